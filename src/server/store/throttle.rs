//! Failure counters per key (an address, a username) that turn into temporary blocks.

use sqlx::Row;

use super::Store;
use crate::server::{
    clock::Millis,
    guard::{self, Limit},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleState {
    Open,
    /// Blocked until this instant.
    Blocked(Millis),
}

impl Store {
    pub async fn throttle_state(&self, key: &str, now: Millis) -> sqlx::Result<ThrottleState> {
        let until: Option<i64> =
            sqlx::query_scalar("SELECT blocked_until FROM throttle WHERE key = $1 AND blocked_until > $2")
                .bind(key)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?
                .flatten();
        Ok(until.map_or(ThrottleState::Open, ThrottleState::Blocked))
    }

    /// Counts one failure for `key`. When the count reaches the limit within its window
    /// the key is blocked, for `base × 2^(earlier blocks)` (see the guard); the call
    /// that sets a block returns it.
    pub async fn throttle_failure(
        &self,
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
        .fetch_one(&self.pool)
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
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(if set == 1 { ThrottleState::Blocked(until) } else { ThrottleState::Open })
    }

    pub async fn throttle_clear(&self, key: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM throttle WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }
}
