//! Creating, listing and revoking referral codes.

use std::time::Duration;

use rand::Rng;

use super::{
    clock::Millis,
    secret::Secret,
    store::{CodeRow, NewCode, Store},
};
use crate::domain::{ReferralCode, GENERATED_LEN};

pub struct CodeSpec {
    pub max_uses: Option<u32>,
    pub expires_in: Option<Duration>,
    pub note: Option<String>,
}

pub fn generate() -> ReferralCode {
    let mut rng = rand::rngs::OsRng;
    let mut symbols = [0u8; GENERATED_LEN];
    for s in &mut symbols {
        *s = rng.gen_range(0..32);
    }
    ReferralCode::from_symbols(symbols)
}

/// Stores `code` (or a fresh one); returns it, or an error when it already exists.
pub async fn create(
    store: &Store,
    secret: &Secret,
    code: Option<ReferralCode>,
    spec: &CodeSpec,
    now: Millis,
) -> anyhow::Result<ReferralCode> {
    let custom = code.is_some();
    let code = code.unwrap_or_else(generate);
    let new = NewCode {
        digest: secret.digest(&code),
        prefix: code.prefix().to_owned(),
        note: spec.note.clone(),
        max_uses: spec.max_uses,
        expires_at: spec.expires_in.map(|d| now + d.as_millis() as Millis),
    };
    if store.insert_code(&new, now).await? {
        Ok(code)
    } else if custom {
        anyhow::bail!("that code already exists")
    } else {
        // 60 random bits: a collision is practically impossible, but never silent.
        anyhow::bail!("generated a code that already exists; please run the command again")
    }
}

/// Revokes a code given in full, or every active code whose display prefix (its first
/// four characters) is given.
pub async fn revoke(
    store: &Store,
    secret: &Secret,
    code_or_prefix: &str,
    now: Millis,
) -> anyhow::Result<usize> {
    let mut revoked = Vec::new();
    if let Ok(code) = ReferralCode::parse(code_or_prefix) {
        revoked = store.revoke_codes(Some(&secret.digest(&code)), "", now).await?;
    }
    if revoked.is_empty() {
        if let Some(prefix) = ReferralCode::display_prefix(code_or_prefix) {
            revoked = store.revoke_codes(None, &prefix, now).await?;
        }
    }
    anyhow::ensure!(!revoked.is_empty(), "no active code matches {code_or_prefix}");
    Ok(revoked.len())
}

/// A code's status for people: `active`, `expired`, `used up` or `revoked`.
pub fn status(c: &CodeRow, now: Millis) -> &'static str {
    match (c.revoked_at, c.expires_at, c.max_uses) {
        (Some(_), _, _) => "revoked",
        (_, Some(e), _) if e <= now => "expired",
        (_, _, Some(m)) if c.uses >= m => "used up",
        _ => "active",
    }
}
