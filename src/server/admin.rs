//! The administrators' console as services: what each section shows and what each
//! action does. The command line calls the same functions.

use std::net::IpAddr;

use super::{
    clock::{format_utc, Millis},
    codes::{self, CodeSpec},
    gate::lockout_key,
    state::AppState,
    store::{admin::DeliveryRow, AdminAction, AttemptQuery},
};
use crate::domain::{
    admin::{
        AdminActionView, AttemptFilter, AttemptView, AttemptsPage, BlockedAddress, CodeView, DeliveryView,
        LockedAccount, LockedView, OutboxView, Overview, SubmissionDetail, SubmissionSummary, OUTCOMES,
    },
    ReferralCode,
};

/// What an administrator's action can end in besides success.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// Shown to the administrator as it is.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AdminError {
    fn from(e: sqlx::Error) -> Self {
        Self::Internal(e.into())
    }
}

fn refused<T>(message: impl Into<String>) -> Result<T, AdminError> {
    Err(AdminError::Refused(message.into()))
}

pub const ATTEMPTS_PER_PAGE: u32 = 50;
pub const SUBMISSIONS_PER_PAGE: u32 = 50;

pub async fn overview(state: &AppState) -> Result<Overview, AdminError> {
    let store = &state.store;
    let now = state.clock.now();
    let [locked, active_codes, submissions, undelivered, failed_deliveries] =
        store.overview_counts(now).await?;
    Ok(Overview {
        locked,
        blocked_addresses: store.address_blocks(now).await?.len() as i64,
        active_codes,
        submissions,
        undelivered,
        failed_deliveries,
        dry_run: state.policy.dry_run,
    })
}

pub async fn codes(state: &AppState) -> Result<Vec<CodeView>, AdminError> {
    let now = state.clock.now();
    let mut rows = state.store.list_codes().await?;
    rows.reverse(); // newest first
    Ok(rows
        .into_iter()
        .map(|c| CodeView {
            id: c.id,
            prefix: format!("{}-…", c.prefix),
            status: codes::status(&c, now).to_owned(),
            note: c.note.unwrap_or_default(),
            uses: c.uses,
            max_uses: c.max_uses,
            expires: c.expires_at.map(format_utc),
            created: format_utc(c.created_at),
        })
        .collect())
}

/// The code form's fields as typed.
pub struct CodeForm<'a> {
    pub max_uses: &'a str,
    pub expires_in: &'a str,
    pub note: &'a str,
    pub code: &'a str,
    pub count: &'a str,
}

/// Creates codes from the console's form; returns them for showing once.
pub async fn create_codes(
    state: &AppState,
    actor: &str,
    form: CodeForm<'_>,
) -> Result<Vec<String>, AdminError> {
    let max_uses = match form.max_uses.trim() {
        "" => None,
        n => match n.parse::<u32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => return refused("“Max uses” must be a whole number of at least 1, or empty for unlimited."),
        },
    };
    let expires_in = match form.expires_in.trim() {
        "" => None,
        d => Some(
            super::config::parse_duration(d)
                .map_err(|e| AdminError::Refused(format!("“Expires in”: {e}.")))?,
        ),
    };
    let note = form.note.trim();
    if note.chars().count() > 200 {
        return refused("The note is too long (at most 200 characters).");
    }
    let custom = match form.code.trim() {
        "" => None,
        c => Some(ReferralCode::parse(c).map_err(|e| AdminError::Refused(format!("Custom code: {e}")))?),
    };
    let count = match form.count.trim() {
        "" => 1,
        n => match n.parse::<u32>() {
            Ok(n @ 1..=1000) => n,
            _ => return refused("“How many” must be between 1 and 1000."),
        },
    };
    if custom.is_some() && count != 1 {
        return refused("A custom code is created once; leave “How many” at 1.");
    }
    let spec = CodeSpec { max_uses, expires_in, note: (!note.is_empty()).then(|| note.to_owned()) };
    let now = state.clock.now();
    let mut created = Vec::new();
    if let Some(code) = custom {
        match codes::create(&state.store, &state.secret, Some(code), &spec, now).await {
            Ok(code) => created.push(code.to_string()),
            Err(_) => return refused("That code already exists; choose another."),
        }
    } else {
        for _ in 0..count {
            created.push(codes::create(&state.store, &state.secret, None, &spec, now).await?.to_string());
        }
    }
    let target = format!("{} code{}", created.len(), if created.len() == 1 { "" } else { "s" });
    let action = AdminAction { actor, action: "create_codes", target: &target, reason: spec.note.as_deref() };
    state.store.record_admin_action(&action, now).await?;
    Ok(created)
}

pub async fn revoke_code(state: &AppState, actor: &str, id: i64) -> Result<String, AdminError> {
    let now = state.clock.now();
    let Some(prefix) = state.store.revoke_code_by_id(id, now).await? else {
        return refused("That code does not exist or is already revoked.");
    };
    let target = format!("{prefix}-…");
    state
        .store
        .record_admin_action(
            &AdminAction { actor, action: "revoke_code", target: &target, reason: None },
            now,
        )
        .await?;
    Ok(target)
}

pub async fn locked(state: &AppState) -> Result<LockedView, AdminError> {
    let store = &state.store;
    let mut accounts = Vec::new();
    for row in store.locked_accounts().await? {
        let delivery = |d: Option<DeliveryRow>| match d {
            Some(d) => DeliveryView { state: d.state, attempts: d.attempts, last_error: d.last_error },
            None => DeliveryView { state: "not queued".into(), attempts: 0, last_error: None },
        };
        let disable = delivery(store.delivery(&lockout_key(&row.subject, row.locked_at, "disable")).await?);
        let alert = delivery(store.delivery(&lockout_key(&row.subject, row.locked_at, "alert")).await?);
        accounts.push(LockedAccount {
            username: row.username,
            subject: row.subject,
            locked: format_utc(row.locked_at),
            failures: row.failures as u32,
            last_address: row.last_address,
            last_user_agent: row.last_user_agent,
            disable,
            alert,
        });
    }
    let recent_unlocks =
        store.recent_admin_actions("unlock", 20).await?.into_iter().map(action_view).collect();
    Ok(LockedView { accounts, recent_unlocks })
}

fn action_view(a: super::store::admin::AdminActionRow) -> AdminActionView {
    AdminActionView {
        at: format_utc(a.at),
        actor: a.actor,
        action: a.action,
        target: a.target,
        reason: a.reason,
    }
}

pub async fn blocked_addresses(state: &AppState) -> Result<Vec<BlockedAddress>, AdminError> {
    let rows = state.store.address_blocks(state.clock.now()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|b| {
            let (scope, address) = match b.key.split_once("addr:")? {
                ("gate:", a) => ("referral codes", a),
                (_, a) => ("signing in", a),
            };
            Some(BlockedAddress {
                address: address.to_owned(),
                scope: scope.to_owned(),
                until: format_utc(b.blocked_until),
                blocks: b.blocks as u32,
            })
        })
        .collect())
}

/// Lifts the blocks on an address (codes and sign-in); returns the address.
pub async fn lift_block(state: &AppState, actor: &str, address: &str) -> Result<String, AdminError> {
    let Ok(ip) = address.trim().parse::<IpAddr>() else {
        return refused(format!(
            "“{}” is not an IP address.",
            address.trim().chars().take(64).collect::<String>()
        ));
    };
    let ip = ip.to_string();
    let action = AdminAction { actor, action: "lift_block", target: &ip, reason: None };
    match state.store.lift_address(&ip, &action, state.clock.now()).await? {
        0 => refused(format!("{ip} is not blocked.")),
        _ => Ok(ip),
    }
}

/// Checks the filter as typed; a clear message for each field that does not parse.
pub fn attempt_query(f: &AttemptFilter) -> Result<AttemptQuery, AdminError> {
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let outcome = text(&f.outcome);
    if let Some(o) = &outcome {
        if !OUTCOMES.contains(&o.as_str()) {
            return refused(format!("Unknown outcome; choose one of {}.", OUTCOMES.join(", ")));
        }
    }
    if let Some(a) = text(&f.address) {
        if a.parse::<IpAddr>().is_err() {
            return refused("“Address” must be an IP address.");
        }
    }
    let time = |label: &str, s: &str| match text(s) {
        None => Ok(None),
        Some(s) => parse_utc(&s).map(Some).ok_or_else(|| {
            AdminError::Refused(format!("“{label}” must be a UTC time like 2026-12-05 or 2026-12-05T14:30."))
        }),
    };
    Ok(AttemptQuery {
        username: text(&f.account),
        address: text(&f.address).and_then(|a| a.parse::<IpAddr>().ok()).map(|a| a.to_string()),
        outcome,
        from: time("From", &f.from)?,
        to: time("To", &f.to)?,
    })
}

/// `2026-12-05`, `2026-12-05T14:30`, `2026-12-05 14:30:15` or RFC 3339, as UTC.
fn parse_utc(s: &str) -> Option<Millis> {
    let s = s.replace(' ', "T");
    let full = match s.len() {
        10 => format!("{s}T00:00:00Z"),
        16 => format!("{s}:00Z"),
        19 => format!("{s}Z"),
        _ => s,
    };
    let t = humantime::parse_rfc3339(&full).ok()?;
    Some(t.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as Millis)
}

pub async fn attempts(
    state: &AppState,
    filter: &AttemptFilter,
    page: u32,
) -> Result<AttemptsPage, AdminError> {
    let q = attempt_query(filter)?;
    let page = page.min(1_000_000);
    let total = state.store.count_attempts(&q).await?;
    let rows = state
        .store
        .attempts(&q, i64::MAX, ATTEMPTS_PER_PAGE, u64::from(page) * u64::from(ATTEMPTS_PER_PAGE))
        .await?;
    Ok(AttemptsPage {
        rows: rows
            .into_iter()
            .map(|r| AttemptView {
                id: r.id,
                at: format_utc(r.at),
                username: r.username,
                address: r.address,
                user_agent: r.user_agent.unwrap_or_default(),
                outcome: r.outcome,
            })
            .collect(),
        total,
        page,
        per_page: ATTEMPTS_PER_PAGE,
    })
}

pub async fn submissions(state: &AppState, page: u32) -> Result<Vec<SubmissionSummary>, AdminError> {
    let offset = u64::from(page.min(1_000_000)) * u64::from(SUBMISSIONS_PER_PAGE);
    Ok(state
        .store
        .submissions(SUBMISSIONS_PER_PAGE, offset)
        .await?
        .into_iter()
        .map(|s| SubmissionSummary {
            id: s.id,
            username: s.username,
            full_name: s.full_name,
            email: s.email,
            received: format_utc(s.created_at),
        })
        .collect())
}

pub async fn submission(state: &AppState, id: i64) -> Result<SubmissionDetail, AdminError> {
    let Some(s) = state.store.submission(id).await? else {
        return refused("There is no such submission.");
    };
    Ok(SubmissionDetail {
        id: s.id,
        username: s.username,
        full_name: s.full_name,
        email: s.email,
        about: s.about,
        photo_type: s.photo_type,
        photo_bytes: s.photo_bytes,
        received: format_utc(s.created_at),
    })
}

pub async fn outbox(state: &AppState) -> Result<Vec<OutboxView>, AdminError> {
    Ok(state
        .store
        .undelivered()
        .await?
        .into_iter()
        .map(|r| OutboxView {
            id: r.id,
            kind: r.kind,
            next_try: if r.state == "failed" { "given up".into() } else { format_utc(r.next_attempt_at) },
            state: r.state,
            attempts: r.attempts,
            last_error: r.last_error.unwrap_or_default(),
            target: r.idempotency_key,
        })
        .collect())
}

/// Makes a delivery due now and tries it; says how it went.
pub async fn retry_delivery(state: &AppState, actor: &str, id: i64) -> Result<String, AdminError> {
    let now = state.clock.now();
    if !state.store.retry_now(id, now).await? {
        return refused("That delivery is not waiting (already delivered, or unknown).");
    }
    let target = id.to_string();
    state
        .store
        .record_admin_action(
            &AdminAction { actor, action: "retry_delivery", target: &target, reason: None },
            now,
        )
        .await?;
    Ok(match state.outbox.deliver(Some(&[id])).await {
        1 => format!("Delivery {id} went through."),
        _ => format!("Delivery {id} failed again; see its last error."),
    })
}
