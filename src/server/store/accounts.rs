//! Per-account gate state: the failure counter, the lock, the admission.

use sqlx::Row;

use super::{admin::AdminAction, flag, outbox::NewOutboxRow, Store};
use crate::server::clock::Millis;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountState {
    pub subject: String,
    pub username: String,
    /// Failures within the window (older ones no longer count).
    pub failures: u32,
    pub locked: bool,
    pub admitted: bool,
}

/// The result of claiming the right to evaluate one code attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Evaluate the code; if it is wrong, this is the account's failure number `n`.
    Granted(u32),
    /// The account is locked: nothing is evaluated.
    Locked,
    /// The last allowed attempt is still being evaluated by another request.
    Exhausted,
}

/// Outbox rows written in the same transaction as a lockout.
pub struct LockoutActions {
    pub rows: Vec<NewOutboxRow>,
}

impl Store {
    /// Makes sure the gate has a row for this account (first sign-in).
    pub async fn ensure_account(&self, subject: &str, username: &str, now: Millis) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO accounts (subject, username, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (subject) DO UPDATE SET username = excluded.username",
        )
        .bind(subject)
        .bind(username)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The subject and username of the account with this username, if it signed in.
    pub async fn account_by_username(&self, username: &str) -> sqlx::Result<Option<(String, String)>> {
        sqlx::query_as(
            "SELECT subject, username FROM accounts WHERE username = $1 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(username)
        .fetch_optional(&self.reads)
        .await
    }

    pub async fn account(&self, subject: &str, failure_cutoff: Millis) -> sqlx::Result<Option<AccountState>> {
        let row = sqlx::query(
            "SELECT a.subject, a.username,
                    CASE WHEN a.last_failure_at >= $2 THEN a.failures ELSE 0 END AS failures,
                    CASE WHEN a.locked_at IS NULL THEN 0 ELSE 1 END AS locked,
                    CASE WHEN EXISTS (SELECT 1 FROM admissions m WHERE m.subject = a.subject)
                         THEN 1 ELSE 0 END AS admitted
             FROM accounts a WHERE a.subject = $1",
        )
        .bind(subject)
        .bind(failure_cutoff)
        .fetch_optional(&self.reads)
        .await?;
        Ok(row.map(|r| AccountState {
            subject: r.get("subject"),
            username: r.get("username"),
            failures: r.get::<i64, _>("failures") as u32,
            locked: flag(r.get("locked")),
            admitted: flag(r.get("admitted")),
        }))
    }

    /// Atomically counts one more failure before the code is looked at, so parallel
    /// requests can never evaluate more than `ceiling` codes (see `AttemptTx::claim`).
    pub async fn claim_attempt(
        &self,
        subject: &str,
        now: Millis,
        failure_cutoff: Millis,
        ceiling: u32,
    ) -> anyhow::Result<Claim> {
        let mut tx = self.begin_attempt().await?;
        let claim = tx.claim(subject, now, failure_cutoff, ceiling).await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// Locks the account and queues its outbox rows in one transaction (see
    /// `AttemptTx::lock`).
    pub async fn lock_account(
        &self,
        subject: &str,
        now: Millis,
        actions: LockoutActions,
    ) -> anyhow::Result<Option<Vec<i64>>> {
        let mut tx = self.begin_attempt().await?;
        let ids = tx.lock(subject, now, actions).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Lifts the lock and clears the failures, cancels the lockout's directory actions
    /// not yet delivered (they would disable the account again), records who did it
    /// and queues the alert, all in one transaction. `None` when the account was not
    /// locked (e.g. another administrator unlocked it first): nothing changes then.
    pub async fn unlock_account(
        &self,
        subject: &str,
        action: &AdminAction<'_>,
        alert: NewOutboxRow,
        now: Millis,
    ) -> sqlx::Result<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        let n = sqlx::query(
            "UPDATE accounts SET locked_at = NULL, failures = 0, last_failure_at = NULL
             WHERE subject = $1 AND locked_at IS NOT NULL",
        )
        .bind(subject)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n != 1 {
            return Ok(None);
        }
        sqlx::query(
            "UPDATE outbox SET state = 'cancelled', lease_until = NULL
             WHERE idempotency_key LIKE $1 AND kind IN ('disable_user', 'sign_out_everywhere')
               AND state IN ('pending', 'failed')",
        )
        .bind(format!("lockout:{subject}:%"))
        .execute(&mut *tx)
        .await?;
        action.insert(&mut tx, now).await?;
        let id = alert.insert(&mut tx, now).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    pub async fn is_locked(&self, subject: &str) -> sqlx::Result<bool> {
        let locked: Option<i64> = sqlx::query_scalar("SELECT locked_at FROM accounts WHERE subject = $1")
            .bind(subject)
            .fetch_optional(&self.reads)
            .await?
            .flatten();
        Ok(locked.is_some())
    }
}
