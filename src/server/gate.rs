//! The gate's service: refuse what the policy forbids, evaluate the code, count,
//! lock. The counting happens in the store's atomic operations; the decisions in the
//! guard; here they are put in order.

use std::time::Duration;

use async_trait::async_trait;
use serde_json::json;

use super::{
    alerts::{Alert, AlertEvent},
    client::ClientInfo,
    clock::{format_utc, Millis},
    guard::{retry_after_secs, Policy, Verdict},
    session::SessionUser,
    spray::Findings,
    state::AppState,
    store::{
        AttemptOutcome, AttemptTx, Claim, LockoutActions, NewOutboxRow, OutboxKind, Procedure, Redemption,
        Standing, Statements, ThrottleState,
    },
};
use crate::domain::{GateOutcome, ReferralCode};

/// How long a request that locked an account waits for the outbox delivery before it
/// answers; the worker retries whatever did not go through.
const DELIVERY_WAIT: Duration = Duration::from_secs(3);

/// Attempts that are not evaluated at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    AddressBlocked {
        retry_after_secs: u64,
    },
    /// Locked, or no longer known to the gate.
    AccountLocked,
    /// Admitted before: there is nothing left to check (not an attempt).
    AlreadyAdmitted,
}

pub fn address_key(client: &ClientInfo) -> String {
    format!("gate:addr:{}", client.address)
}

pub async fn submit(
    state: &AppState,
    account: &SessionUser,
    client: &ClientInfo,
    code: &ReferralCode,
) -> anyhow::Result<Result<GateOutcome, Refusal>> {
    let now = state.clock.now();
    let subject = &account.subject;
    let attempt = Attempt {
        policy: state.policy,
        now,
        subject: subject.clone(),
        address: client.address.to_string(),
        address_key: address_key(client),
        user_agent: client.user_agent.clone(),
        digest: state.secret.digest(code),
        record_admission: state.directory.records_admissions().then(|| NewOutboxRow {
            idempotency_key: format!("admission:{subject}"),
            kind: OutboxKind::RecordAdmission,
            payload: target(account),
        }),
        lockout_alert: account_alert(state, AlertEvent::AccountDisabled, account, client, 0, now),
        lockout_target: target(account),
    };
    // Everything this attempt reads and writes happens in one transaction.
    let decided = state.store.transact(attempt).await?;
    if let Some(recorded) = decided.recorded {
        counted(recorded);
    }

    // Deliveries and alerts after the commit: what they act on is decided for good.
    match decided.result {
        Ok(GateOutcome::Admitted) => tracing::info!(%subject, "referral code accepted"),
        Ok(GateOutcome::Locked) if !decided.outbox.is_empty() => {
            metrics::counter!(super::metrics::LOCKOUTS).increment(1);
            tracing::warn!(%subject, username = %account.username, failures = decided.failures,
                address = %client.address, "account locked");
        }
        _ => {}
    }
    if !decided.outbox.is_empty() {
        deliver_briefly(state, &decided.outbox).await;
    }
    if let Verdict::WouldLock { failures, first: true } = decided.verdict {
        would_lock(state, account, client, failures, now).await?;
    }
    if let ThrottleState::Blocked(until) = decided.address_block {
        address_blocked(state, account, client, until, now).await?;
    }
    super::spray::raise(state, &client.address.to_string(), decided.spray, now).await?;
    Ok(decided.result)
}

/// One code attempt, decided in one transaction.
struct Attempt {
    policy: Policy,
    now: Millis,
    subject: String,
    address: String,
    address_key: String,
    user_agent: Option<String>,
    /// The code's HMAC: the code itself goes no further than this.
    digest: String,
    /// Queued with an admission (Cognito mode).
    record_admission: Option<NewOutboxRow>,
    /// The alert a lockout raises, but for the failure count.
    lockout_alert: Alert,
    lockout_target: serde_json::Value,
}

/// What an attempt's transaction decided, for the work after the commit.
struct Decided {
    result: Result<GateOutcome, Refusal>,
    /// The audit row written, if this was an attempt.
    recorded: Option<AttemptOutcome>,
    verdict: Verdict,
    failures: u32,
    /// Outbox rows to deliver now (the admission's, or the lockout's).
    outbox: Vec<i64>,
    address_block: ThrottleState,
    spray: Findings,
}

impl Decided {
    /// An attempt that ends here: no wrong code, so nothing counted, no alert.
    fn ended(result: Result<GateOutcome, Refusal>, recorded: Option<AttemptOutcome>) -> Self {
        Self {
            result,
            recorded,
            verdict: Verdict::Warn { failures: 0, left: 0 },
            failures: 0,
            outbox: Vec::new(),
            address_block: ThrottleState::Open,
            spray: Findings::default(),
        }
    }
}

#[async_trait]
impl Procedure for Attempt {
    type Output = Decided;

    async fn run<S: Statements>(self, tx: &mut AttemptTx<S>) -> anyhow::Result<Decided> {
        let Self { policy, now, ref subject, ref address, .. } = self;
        let ua = self.user_agent.as_deref();
        // The session may be older than the lock or the admission.
        match tx.account_standing(subject).await? {
            Standing::Admitted => return Ok(Decided::ended(Err(Refusal::AlreadyAdmitted), None)),
            Standing::Locked => {
                tx.record(subject, address, ua, AttemptOutcome::RefusedLocked, now).await?;
                return Ok(Decided::ended(Err(Refusal::AccountLocked), Some(AttemptOutcome::RefusedLocked)));
            }
            Standing::Open => {}
        }
        if let ThrottleState::Blocked(until) = tx.throttle_state(&self.address_key, now).await? {
            tx.record(subject, address, ua, AttemptOutcome::RefusedAddress, now).await?;
            let retry_after_secs = retry_after_secs(until, now);
            return Ok(Decided::ended(
                Err(Refusal::AddressBlocked { retry_after_secs }),
                Some(AttemptOutcome::RefusedAddress),
            ));
        }
        let failures = match tx
            .claim(subject, now, policy.failure_cutoff(now), policy.claim_ceiling())
            .await?
        {
            Claim::Granted(n) => n,
            Claim::Locked | Claim::Exhausted => {
                tx.record(subject, address, ua, AttemptOutcome::RefusedLocked, now).await?;
                return Ok(Decided::ended(Err(Refusal::AccountLocked), Some(AttemptOutcome::RefusedLocked)));
            }
        };
        let redemption = tx.redeem(&self.digest, subject, now, self.record_admission.clone()).await?;
        if let Redemption::Admitted { outbox } = redemption {
            tx.record(subject, address, ua, AttemptOutcome::Admitted, now).await?;
            return Ok(Decided {
                outbox: outbox.into_iter().collect(),
                ..Decided::ended(Ok(GateOutcome::Admitted), Some(AttemptOutcome::Admitted))
            });
        }
        let address_block = tx.throttle_failure(&self.address_key, policy.address_limit(), now).await?;
        let verdict = policy.after_wrong_code(failures);
        let (result, recorded, outbox) = match verdict {
            Verdict::Warn { failures, .. } => (
                GateOutcome::Rejected { failures, max_retries: policy.max_retries },
                AttemptOutcome::Invalid,
                Vec::new(),
            ),
            Verdict::Lock => {
                let ids = tx.lock(subject, now, self.lockout_actions(failures)?).await?;
                (GateOutcome::Locked, AttemptOutcome::Locked, ids.unwrap_or_default())
            }
            Verdict::WouldLock { failures, .. } => {
                (GateOutcome::DryRunLocked { failures }, AttemptOutcome::DryRunLocked, Vec::new())
            }
        };
        tx.record(subject, address, ua, recorded, now).await?;
        let spray = super::spray::detect(tx, &policy.spray, address, now).await?;
        Ok(Decided {
            result: Ok(result),
            recorded: Some(recorded),
            verdict,
            failures,
            outbox,
            address_block,
            spray,
        })
    }
}

impl Attempt {
    /// The actions a lockout queues in its transaction: disable in the directory, sign
    /// out everywhere, alert.
    fn lockout_actions(&self, failures: u32) -> anyhow::Result<LockoutActions> {
        let alert = Alert { failures, ..self.lockout_alert.clone() };
        let key = |action: &str| lockout_key(&self.subject, self.now, action);
        let rows = vec![
            (OutboxKind::DisableUser, key("disable"), self.lockout_target.clone()),
            (OutboxKind::SignOutEverywhere, key("sign_out"), self.lockout_target.clone()),
            (OutboxKind::Alert, key("alert"), serde_json::to_value(&alert)?),
        ];
        Ok(LockoutActions {
            rows: rows
                .into_iter()
                .map(|(kind, idempotency_key, payload)| NewOutboxRow { idempotency_key, kind, payload })
                .collect(),
        })
    }
}

fn counted(outcome: AttemptOutcome) {
    metrics::counter!(super::metrics::ATTEMPTS, "outcome" => outcome.as_str()).increment(1);
}

/// Records an attempt refused because the account is locked, found before the attempt
/// (a malformed code from a locked account's session).
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
    account: &SessionUser,
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

/// Tells the administrators that an address was blocked (it locks nobody).
async fn address_blocked(
    state: &AppState,
    account: &SessionUser,
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
    account: &SessionUser,
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
fn target(account: &SessionUser) -> serde_json::Value {
    json!({ "subject": account.subject, "username": account.username })
}

/// Tries the delivery now, waiting only briefly; the worker retries what is left.
async fn deliver_briefly(state: &AppState, ids: &[i64]) {
    if tokio::time::timeout(DELIVERY_WAIT, state.outbox.deliver(Some(ids))).await.is_err() {
        tracing::warn!(?ids, "delivery still running; the outbox worker will finish it");
    }
}
