//! Operations on accounts shared by the command line (and, later, the admin pages).

use super::{
    alerts::{Alert, AlertEvent},
    clock::format_utc,
    state::AppState,
    store::{NewOutboxRow, OutboxKind},
};
use crate::domain::Username;

/// Re-enables the account in the directory, lifts the lock, clears its failures and
/// queues an `account_unlocked` alert (delivered at once when possible).
pub async fn unlock(state: &AppState, name: &Username, by: &str) -> anyhow::Result<()> {
    let user = state
        .store
        .local_user(name.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user named {name}"))?;
    state
        .directory
        .enable(&user.subject, &user.username)
        .await?;
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
