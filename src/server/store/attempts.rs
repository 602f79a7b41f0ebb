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
        sqlx::query(INSERT_ATTEMPT)
            .bind(subject)
            .bind(address)
            .bind(user_agent)
            .bind(outcome.as_str())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The audit row of an attempt. Never the code.
pub(super) const INSERT_ATTEMPT: &str =
    "INSERT INTO attempts (subject, address, user_agent, outcome, at) VALUES ($1, $2, $3, $4, $5)";
