//! Local accounts: argon2 password hashes in the store.

use std::sync::{Arc, OnceLock};

use argon2::{
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use async_trait::async_trait;

use super::{AuthError, DeliveryError, Directory, Identity, SignInStep};
use crate::{
    domain::{Password, Username},
    server::store::Store,
};

pub struct LocalDirectory {
    store: Store,
    /// Each hash takes 19 MiB and a core for a while: a flood of sign-ins queues here
    /// instead of exhausting memory.
    hashing: tokio::sync::Semaphore,
}

impl LocalDirectory {
    pub fn new(store: Store) -> Arc<Self> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Arc::new(Self { store, hashing: tokio::sync::Semaphore::new(cores.clamp(1, 4)) })
    }

    async fn set_enabled(&self, subject: &str, enabled: bool) -> Result<(), DeliveryError> {
        match self.store.set_local_user_enabled(subject, enabled).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(DeliveryError::Permanent(format!("no local user {subject}"))),
            Err(e) => Err(DeliveryError::Transient(e.to_string())),
        }
    }
}

pub fn hash_password(password: &Password) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))?
        .to_string())
}

/// A hash to verify against when the user does not exist, so an unknown name takes as
/// long as a wrong password and the timing does not reveal who has an account.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        hash_password(&Password::parse("not a real password".into()).expect("valid")).expect("argon2 works")
    })
}

fn verify(password: &Password, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(password.expose().as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

#[async_trait]
impl Directory for LocalDirectory {
    fn is_local(&self) -> bool {
        true
    }

    async fn reachable(&self) -> bool {
        self.store.ping().await
    }

    async fn authenticate(&self, username: &Username, password: &Password) -> Result<SignInStep, AuthError> {
        let user =
            self.store.local_user(username.as_str()).await.map_err(|e| AuthError::Unavailable(e.into()))?;
        let hash = user.as_ref().map_or(dummy_hash(), |u| u.password_hash.as_str()).to_owned();
        let password = password.clone();
        // argon2 is deliberately slow: keep it off the async workers.
        let _permit = self.hashing.acquire().await.map_err(|e| AuthError::Unavailable(e.into()))?;
        let ok = tokio::task::spawn_blocking(move || verify(&password, &hash))
            .await
            .map_err(|e| AuthError::Unavailable(e.into()))?;
        match user {
            Some(u) if ok && !u.enabled => Err(AuthError::Disabled),
            Some(u) if ok => Ok(SignInStep::Done(Identity {
                subject: u.subject,
                username: u.username,
                is_admin: u.is_admin,
            })),
            _ => Err(AuthError::InvalidCredentials),
        }
    }

    /// Local accounts are created with their password; there is no challenge.
    async fn complete_new_password(
        &self,
        _: &Username,
        _: &str,
        _: &Password,
    ) -> Result<Identity, AuthError> {
        Err(AuthError::ChallengeExpired)
    }

    fn records_admissions(&self) -> bool {
        false
    }

    async fn record_admission(&self, _subject: &str, _username: &str) -> Result<(), DeliveryError> {
        Ok(())
    }

    async fn disable(&self, subject: &str, _username: &str) -> Result<(), DeliveryError> {
        self.set_enabled(subject, false).await
    }

    /// Local sessions live in the app's own store and are refused as soon as the
    /// account is locked, so there is nothing more to end.
    async fn sign_out_everywhere(&self, _subject: &str, _username: &str) -> Result<(), DeliveryError> {
        Ok(())
    }

    async fn enable(&self, subject: &str, _username: &str) -> Result<(), DeliveryError> {
        self.set_enabled(subject, true).await
    }
}
