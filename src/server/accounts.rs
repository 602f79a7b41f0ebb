//! Operations on accounts shared by the command line (and, later, the admin pages).

use super::{
    alerts::{Alert, AlertEvent},
    clock::format_utc,
    state::AppState,
    store::{NewOutboxRow, OutboxKind},
};
use crate::domain::Username;

struct Account {
    subject: String,
    username: String,
}

/// Re-enables the account in the directory, lifts the lock, clears its failures and
/// queues an `account_unlocked` alert (delivered at once when possible).
pub async fn unlock(state: &AppState, name: &Username, by: &str) -> anyhow::Result<()> {
    // The gate knows every account that ever signed in; a local user who never did
    // is still found in the local directory.
    let (subject, username) = match state.store.account_by_username(name.as_str()).await? {
        Some(found) => found,
        None => match state.store.local_user(name.as_str()).await? {
            Some(user) if state.directory.is_local() => (user.subject, user.username),
            _ => anyhow::bail!("no account named {name} has signed in here"),
        },
    };
    let user = Account { subject, username };
    state.directory.enable(&user.subject, &user.username).await?;
    state.store.unlock_account(&user.subject).await?;
    let now = state.clock.now();
    let alert = Alert {
        event: AlertEvent::AccountUnlocked,
        subject: user.subject.clone(),
        username: user.username.clone(),
        failures: 0,
        address: by.to_owned(),
        user_agent: None,
        at: format_utc(now),
        instance: state.instance.clone(),
    };
    let id = state
        .store
        .enqueue(
            NewOutboxRow {
                idempotency_key: format!("unlock:{}:{now}", user.subject),
                kind: OutboxKind::Alert,
                payload: serde_json::to_value(&alert)?,
            },
            now,
        )
        .await?;
    state.outbox.deliver(Some(&[id])).await;
    tracing::info!(subject = %user.subject, by, "account unlocked");
    Ok(())
}
