//! The gate's service: refuse what the policy forbids, evaluate the code, count,
//! lock. The counting happens in the store's atomic operations; the decisions in the
//! guard; here they are put in order.

use std::time::Duration;

use serde_json::json;

use super::{
    alerts::{Alert, AlertEvent},
    client::ClientInfo,
    clock::{format_utc, Millis},
    guard::{retry_after_secs, Verdict},
    state::AppState,
    store::{
        AccountState, AttemptOutcome, Claim, LockoutActions, NewOutboxRow, OutboxKind, Redemption,
        ThrottleState,
    },
};
use crate::domain::{GateOutcome, ReferralCode};

/// How long a request that locked an account waits for the outbox delivery before it
/// answers; the worker retries whatever did not go through.
const DELIVERY_WAIT: Duration = Duration::from_secs(3);

/// Attempts that are not evaluated at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    AddressBlocked { retry_after_secs: u64 },
    AccountLocked,
}

pub fn address_key(client: &ClientInfo) -> String {
    format!("gate:addr:{}", client.address)
}

pub async fn submit(
    state: &AppState,
    account: &AccountState,
    client: &ClientInfo,
    code: &ReferralCode,
) -> anyhow::Result<Result<GateOutcome, Refusal>> {
    let store = &state.store;
    let policy = &state.policy;
    let now = state.clock.now();
    let address = client.address.to_string();
    let ua = client.user_agent.as_deref();
    let subject = account.subject.as_str();

    if let ThrottleState::Blocked(until) = store.throttle_state(&address_key(client), now).await? {
        store.record_attempt(subject, &address, ua, AttemptOutcome::RefusedAddress, now).await?;
        counted(AttemptOutcome::RefusedAddress);
        return Ok(Err(Refusal::AddressBlocked { retry_after_secs: retry_after_secs(until, now) }));
    }
    let digest = state.secret.digest(code);
    // Everything this attempt writes commits together, once.
    let mut tx = store.begin_attempt().await?;
    let failures = match tx.claim(subject, now, policy.failure_cutoff(now), policy.claim_ceiling()).await? {
        Claim::Granted(n) => n,
        Claim::Locked | Claim::Exhausted => {
            tx.record(subject, &address, ua, AttemptOutcome::RefusedLocked, now).await?;
            tx.commit().await?;
            counted(AttemptOutcome::RefusedLocked);
            return Ok(Err(Refusal::AccountLocked));
        }
    };
    let record_admission = state.directory.records_admissions().then(|| NewOutboxRow {
        idempotency_key: format!("admission:{subject}"),
        kind: OutboxKind::RecordAdmission,
        payload: target(account),
    });
    if let Redemption::Admitted { outbox } = tx.redeem(&digest, subject, now, record_admission).await? {
        tx.record(subject, &address, ua, AttemptOutcome::Admitted, now).await?;
        tx.commit().await?;
        counted(AttemptOutcome::Admitted);
        tracing::info!(%subject, "referral code accepted");
        if let Some(id) = outbox {
            deliver_briefly(state, &[id]).await;
        }
        return Ok(Ok(GateOutcome::Admitted));
    }
    let address_block = tx.throttle_failure(&address_key(client), policy.address_limit(), now).await?;
    let (outcome, recorded, locked) = match policy.after_wrong_code(failures) {
        Verdict::Warn { failures, .. } => (
            GateOutcome::Rejected { failures, max_retries: policy.max_retries },
            AttemptOutcome::Invalid,
            None,
        ),
        Verdict::Lock => {
            let ids = tx.lock(subject, now, lockout_actions(state, account, client, failures, now)?).await?;
            (GateOutcome::Locked, AttemptOutcome::Locked, ids)
        }
        Verdict::WouldLock { failures, .. } => {
            (GateOutcome::DryRunLocked { failures }, AttemptOutcome::DryRunLocked, None)
        }
    };
    tx.record(subject, &address, ua, recorded, now).await?;
    tx.commit().await?;
    counted(recorded);

    // Deliveries and alerts after the commit: what they act on is decided for good.
    if let Some(ids) = locked {
        metrics::counter!(super::metrics::LOCKOUTS).increment(1);
        tracing::warn!(%subject, username = %account.username, failures, address = %client.address, "account locked");
        deliver_briefly(state, &ids).await;
    }
    if let Verdict::WouldLock { failures, first: true } = policy.after_wrong_code(failures) {
        would_lock(state, account, client, failures, now).await?;
    }
    if let ThrottleState::Blocked(until) = address_block {
        address_blocked(state, account, client, until, now).await?;
    }
    super::spray::check(state, &address, now).await?;
    Ok(Ok(outcome))
}

fn counted(outcome: AttemptOutcome) {
    metrics::counter!(super::metrics::ATTEMPTS, "outcome" => outcome.as_str()).increment(1);
}

/// Records an attempt refused because the account is locked (found by the session check).
pub async fn refused_locked(state: &AppState, subject: &str, client: &ClientInfo) -> sqlx::Result<()> {
    let outcome = AttemptOutcome::RefusedLocked;
    let address = client.address.to_string();
    state
        .store
        .record_attempt(subject, &address, client.user_agent.as_deref(), outcome, state.clock.now())
        .await?;
    counted(outcome);
    Ok(())
}

/// The idempotency key of one of a lockout's outbox rows (`disable`, `sign_out`,
/// `alert`); the lock's time is the account's `locked_at`.
pub fn lockout_key(subject: &str, locked_at: Millis, action: &str) -> String {
    format!("lockout:{subject}:{locked_at}:{action}")
}

/// Dry run: the alert a lockout would raise, saying it was a dry run; nothing locks.
async fn would_lock(
    state: &AppState,
    account: &AccountState,
    client: &ClientInfo,
    failures: u32,
    now: Millis,
) -> anyhow::Result<()> {
    let alert = Alert {
        dry_run: true,
        ..account_alert(state, AlertEvent::AccountDisabled, account, client, failures, now)
    };
    tracing::warn!(subject = %account.subject, failures, "dry run: account would be locked");
    alert_now(state, format!("dry_run:{}:{now}", account.subject), &alert, now).await
}

/// The actions a lockout queues in its transaction: disable in the directory, sign
/// out everywhere, alert.
fn lockout_actions(
    state: &AppState,
    account: &AccountState,
    client: &ClientInfo,
    failures: u32,
    now: Millis,
) -> anyhow::Result<LockoutActions> {
    let target = target(account);
    let alert = account_alert(state, AlertEvent::AccountDisabled, account, client, failures, now);
    let key = |action: &str| lockout_key(&account.subject, now, action);
    let rows = vec![
        (OutboxKind::DisableUser, key("disable"), target.clone()),
        (OutboxKind::SignOutEverywhere, key("sign_out"), target),
        (OutboxKind::Alert, key("alert"), serde_json::to_value(&alert)?),
    ];
    Ok(LockoutActions {
        rows: rows
            .into_iter()
            .map(|(kind, idempotency_key, payload)| NewOutboxRow { idempotency_key, kind, payload })
            .collect(),
    })
}

/// Tells the administrators that an address was blocked (it locks nobody).
async fn address_blocked(
    state: &AppState,
    account: &AccountState,
    client: &ClientInfo,
    until: Millis,
    now: Millis,
) -> anyhow::Result<()> {
    let failures = state.policy.ip_max_failures;
    let alert = account_alert(state, AlertEvent::AddressBlocked, account, client, failures, now);
    metrics::counter!(super::metrics::ADDRESSES_BLOCKED).increment(1);
    tracing::warn!(address = %client.address, until = %format_utc(until), "address blocked");
    alert_now(state, format!("address:{}:{until}", client.address), &alert, now).await
}

/// An alert about one account's attempt from this client.
fn account_alert(
    state: &AppState,
    event: AlertEvent,
    account: &AccountState,
    client: &ClientInfo,
    failures: u32,
    now: Millis,
) -> Alert {
    Alert {
        event,
        subject: account.subject.clone(),
        username: account.username.clone(),
        failures,
        address: client.address.to_string(),
        user_agent: client.user_agent.clone(),
        at: format_utc(now),
        instance: state.instance.clone(),
        ..Alert::default()
    }
}

/// Queues an alert on its own (not part of a lockout) and tries it at once.
pub(super) async fn alert_now(
    state: &AppState,
    key: String,
    alert: &Alert,
    now: Millis,
) -> anyhow::Result<()> {
    let row =
        NewOutboxRow { idempotency_key: key, kind: OutboxKind::Alert, payload: serde_json::to_value(alert)? };
    let id = state.store.enqueue(row, now).await?;
    deliver_briefly(state, &[id]).await;
    Ok(())
}

/// The directory's view of an account, as outbox payloads carry it.
fn target(account: &AccountState) -> serde_json::Value {
    json!({ "subject": account.subject, "username": account.username })
}

/// Tries the delivery now, waiting only briefly; the worker retries what is left.
async fn deliver_briefly(state: &AppState, ids: &[i64]) {
    if tokio::time::timeout(DELIVERY_WAIT, state.outbox.deliver(Some(ids))).await.is_err() {
        tracing::warn!(?ids, "delivery still running; the outbox worker will finish it");
    }
}
