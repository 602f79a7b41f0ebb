//! Operations on accounts shared by the command line and the administrators' console.

use super::{
    admin::AdminError,
    alerts::{Alert, AlertEvent},
    clock::format_utc,
    state::AppState,
    store::{AdminAction, NewOutboxRow, OutboxKind},
};
use crate::domain::{admin::Reason, Username};

/// Re-enables the account in the directory, lifts the lock, clears its failures,
/// records who did it and why, and queues an `account_unlocked` alert (delivered at
/// once when possible).
pub async fn unlock(state: &AppState, name: &Username, by: &str, reason: &Reason) -> Result<(), AdminError> {
    // The gate knows every account that ever signed in; a local user who never did
    // is still found in the local directory.
    let (subject, username) = match state.store.account_by_username(name.as_str()).await? {
        Some(found) => found,
        None => match state.store.local_user(name.as_str()).await? {
            Some(user) if state.directory.is_local() => (user.subject, user.username),
            _ => return Err(AdminError::Refused(format!("No account named {name} has signed in here."))),
        },
    };
    if !state.store.is_locked(&subject).await? {
        return Err(AdminError::Refused(format!("{name} is not locked.")));
    }
    // The directory first: if it cannot be reached, nothing changes here and the
    // administrator can try again.
    state.directory.enable(&subject, &username).await.map_err(|e| {
        AdminError::Refused(format!("The directory did not re-enable {name} ({e}); nothing was changed."))
    })?;
    let now = state.clock.now();
    let alert = Alert {
        event: AlertEvent::AccountUnlocked,
        subject: subject.clone(),
        username: username.clone(),
        at: format_utc(now),
        instance: state.instance.clone(),
        by: Some(by.to_owned()),
        reason: Some(reason.as_str().to_owned()),
        ..Alert::default()
    };
    let row = NewOutboxRow {
        idempotency_key: format!("unlock:{subject}:{now}"),
        kind: OutboxKind::Alert,
        payload: serde_json::to_value(&alert).map_err(anyhow::Error::from)?,
    };
    let action =
        AdminAction { actor: by, action: "unlock", target: &username, reason: Some(reason.as_str()) };
    let Some(id) = state.store.unlock_account(&subject, &action, row, now).await? else {
        return Err(AdminError::Refused(format!("{name} is not locked.")));
    };
    state.outbox.deliver(Some(&[id])).await;
    tracing::info!(%subject, by, "account unlocked");
    Ok(())
}
