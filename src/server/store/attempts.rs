//! The audit trail of code attempts: who, from where, what happened. Never the code.

use super::Store;
use crate::server::clock::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Admitted,
    Invalid,
    /// The wrong code that locked the account.
    Locked,
    /// Past the limit in dry-run mode: counted and alerted, nothing locked.
    DryRunLocked,
    /// Not evaluated: the account was already locked or out of attempts.
    RefusedLocked,
    /// Not evaluated: the client address is blocked.
    RefusedAddress,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admitted => "admitted",
            Self::Invalid => "invalid",
            Self::Locked => "locked",
            Self::DryRunLocked => "dry_run_locked",
            Self::RefusedLocked => "refused_locked",
            Self::RefusedAddress => "refused_address",
        }
    }
}

impl Store {
    /// Records one attempt on its own (one insert, committed at once).
    pub async fn record_attempt(
        &self,
        subject: &str,
        address: &str,
        user_agent: Option<&str>,
        outcome: AttemptOutcome,
        now: Millis,
    ) -> sqlx::Result<()> {
        insert(&self.pool, subject, address, user_agent, outcome, now).await
    }

    /// For spray detection, in one round trip: the accounts with a wrong code from
    /// `address` since `since` (among its latest `scan` wrong codes), and the wrong
    /// codes of all accounts together since `since` (counted up to `cap`). Both are
    /// bounded, so a flood costs no more.
    pub async fn spray_counts(
        &self,
        address: &str,
        since: Millis,
        scan: u32,
        cap: u32,
    ) -> sqlx::Result<(i64, i64)> {
        sqlx::query_as(&format!(
            "SELECT
                 (SELECT COUNT(DISTINCT subject) FROM (
                     SELECT subject FROM attempts WHERE address = $1 AND at >= $2 AND outcome IN {WRONG}
                     ORDER BY at DESC LIMIT $3) recent_from),
                 (SELECT COUNT(*) FROM (
                     SELECT 1 AS one FROM attempts WHERE at >= $2 AND outcome IN {WRONG} LIMIT $4) recent_all)"
        ))
        .bind(address)
        .bind(since)
        .bind(i64::from(scan))
        .bind(i64::from(cap))
        .fetch_one(&self.reads)
        .await
    }

    /// Opens a quiet window for the alert `key` unless one is open: `true` for exactly
    /// one caller per window, however many ask at once.
    pub async fn open_alert_window(&self, key: &str, now: Millis, until: Millis) -> sqlx::Result<bool> {
        let opened: Option<String> = sqlx::query_scalar(
            "INSERT INTO alert_windows (key, quiet_until) VALUES ($1, $3)
             ON CONFLICT (key) DO UPDATE SET quiet_until = $3 WHERE alert_windows.quiet_until <= $2
             RETURNING key",
        )
        .bind(key)
        .bind(now)
        .bind(until)
        .fetch_optional(&self.pool)
        .await?;
        Ok(opened.is_some())
    }
}

/// The outcomes that are wrong codes (evaluated and refused).
const WRONG: &str = "('invalid', 'locked', 'dry_run_locked')";

/// The audit row of an attempt, on the pool or inside a transaction. Never the code.
pub(super) async fn insert<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    subject: &str,
    address: &str,
    user_agent: Option<&str>,
    outcome: AttemptOutcome,
    now: Millis,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO attempts (subject, address, user_agent, outcome, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(subject)
    .bind(address)
    .bind(user_agent)
    .bind(outcome.as_str())
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}
