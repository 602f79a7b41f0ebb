//! One code attempt's writes in one transaction: the claim, the redemption, the
//! address counter, the audit row and a lockout with its outbox rows commit together,
//! once. On SQLite that is one commit instead of five; on PostgreSQL the account's row
//! stays locked until the attempt is decided, so attempts of one account queue.

use sqlx::{Any, Row, Transaction};

use super::{
    accounts::{Claim, LockoutActions},
    attempts::AttemptOutcome,
    codes::Redemption,
    outbox::NewOutboxRow,
    throttle::ThrottleState,
    Store,
};
use crate::server::{
    clock::Millis,
    guard::{self, Limit},
};

pub struct AttemptTx {
    tx: Transaction<'static, Any>,
}

impl Store {
    pub async fn begin_attempt(&self) -> sqlx::Result<AttemptTx> {
        Ok(AttemptTx { tx: self.pool.begin().await? })
    }
}

impl AttemptTx {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    /// Counts one more failure before the code is looked at, so parallel requests can
    /// never evaluate more than `ceiling` codes. Failures older than the cutoff are
    /// forgotten first. A valid code then clears the count again.
    pub async fn claim(
        &mut self,
        subject: &str,
        now: Millis,
        failure_cutoff: Millis,
        ceiling: u32,
    ) -> sqlx::Result<Claim> {
        let claimed: Option<i64> = sqlx::query_scalar(
            "UPDATE accounts SET
                 failures = CASE WHEN last_failure_at IS NULL OR last_failure_at < $3
                                 THEN 1 ELSE failures + 1 END,
                 last_failure_at = $2
             WHERE subject = $1 AND locked_at IS NULL
               AND (last_failure_at IS NULL OR last_failure_at < $3 OR failures < $4)
             RETURNING failures",
        )
        .bind(subject)
        .bind(now)
        .bind(failure_cutoff)
        .bind(ceiling as i64)
        .fetch_optional(&mut *self.tx)
        .await?;
        if let Some(n) = claimed {
            return Ok(Claim::Granted(n as u32));
        }
        let locked: Option<i64> = sqlx::query_scalar(
            "SELECT CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END FROM accounts WHERE subject = $1",
        )
        .bind(subject)
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(match locked {
            Some(0) => Claim::Exhausted,
            _ => Claim::Locked,
        })
    }

    /// Uses the code for this account: the use count only goes up while uses remain,
    /// so a code with one use left admits exactly one account. Admitted, the failures
    /// are cleared and `then` (a directory action) is queued.
    pub async fn redeem(
        &mut self,
        digest: &str,
        subject: &str,
        now: Millis,
        then: Option<NewOutboxRow>,
    ) -> sqlx::Result<Redemption> {
        let code_id: Option<i64> = sqlx::query_scalar(
            "UPDATE codes SET uses = uses + 1
             WHERE digest = $1 AND revoked_at IS NULL
               AND (expires_at IS NULL OR expires_at > $2)
               AND (max_uses IS NULL OR uses < max_uses)
             RETURNING id",
        )
        .bind(digest)
        .bind(now)
        .fetch_optional(&mut *self.tx)
        .await?;
        let Some(code_id) = code_id else {
            return Ok(Redemption::Refused);
        };
        sqlx::query(
            "INSERT INTO admissions (subject, code_id, admitted_at) VALUES ($1, $2, $3)
             ON CONFLICT (subject) DO NOTHING",
        )
        .bind(subject)
        .bind(code_id)
        .bind(now)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE accounts SET failures = 0, last_failure_at = NULL WHERE subject = $1")
            .bind(subject)
            .execute(&mut *self.tx)
            .await?;
        let outbox = match then {
            Some(row) => Some(row.insert(&mut self.tx, now).await?),
            None => None,
        };
        Ok(Redemption::Admitted { outbox })
    }

    /// Counts one failure for `key`. When the count reaches the limit within its window
    /// the key is blocked, for `base × 2^(earlier blocks)` (see the guard); the call
    /// that sets a block returns it.
    pub async fn throttle_failure(
        &mut self,
        key: &str,
        limit: Limit,
        now: Millis,
    ) -> sqlx::Result<ThrottleState> {
        let cutoff = guard::cutoff(now, limit.window);
        let row = sqlx::query(
            "INSERT INTO throttle (key, failures, window_started_at) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
                 failures = CASE WHEN throttle.window_started_at < $3 THEN 1 ELSE throttle.failures + 1 END,
                 window_started_at = CASE WHEN throttle.window_started_at < $3 THEN $2 ELSE throttle.window_started_at END
             RETURNING failures, blocks, blocked_until",
        )
        .bind(key)
        .bind(now)
        .bind(cutoff)
        .fetch_one(&mut *self.tx)
        .await?;
        let failures = row.get::<i64, _>("failures") as u32;
        if failures < limit.max {
            return Ok(ThrottleState::Open);
        }
        let prior = guard::prior_blocks(row.get::<i64, _>("blocks") as u32, row.get("blocked_until"), now);
        let until = now + guard::block_duration(limit.window, prior).as_millis() as Millis;
        // Only the request that finds the count at the limit sets the block (it resets
        // the count), so parallel failures cannot double the block twice, and only that
        // request reports the new block.
        let set = sqlx::query(
            "UPDATE throttle SET blocked_until = $2, blocks = $3, failures = 0, window_started_at = $4
             WHERE key = $1 AND failures >= $5",
        )
        .bind(key)
        .bind(until)
        .bind(prior as i64 + 1)
        .bind(now)
        .bind(limit.max as i64)
        .execute(&mut *self.tx)
        .await?
        .rows_affected();
        Ok(if set == 1 { ThrottleState::Blocked(until) } else { ThrottleState::Open })
    }

    /// The audit row of an attempt. Never the code.
    pub async fn record(
        &mut self,
        subject: &str,
        address: &str,
        user_agent: Option<&str>,
        outcome: AttemptOutcome,
        now: Millis,
    ) -> sqlx::Result<()> {
        super::attempts::insert(&mut *self.tx, subject, address, user_agent, outcome, now).await
    }

    /// Locks the account and queues its outbox rows. Returns the ids of the queued
    /// rows, or `None` when the account was already locked (another request won), in
    /// which case nothing is queued.
    pub async fn lock(
        &mut self,
        subject: &str,
        now: Millis,
        actions: LockoutActions,
    ) -> sqlx::Result<Option<Vec<i64>>> {
        let locked =
            sqlx::query("UPDATE accounts SET locked_at = $2 WHERE subject = $1 AND locked_at IS NULL")
                .bind(subject)
                .bind(now)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
        if locked != 1 {
            return Ok(None);
        }
        let mut ids = Vec::with_capacity(actions.rows.len());
        for row in actions.rows {
            ids.push(row.insert(&mut self.tx, now).await?);
        }
        Ok(Some(ids))
    }
}
