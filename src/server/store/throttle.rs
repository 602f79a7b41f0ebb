//! Failure counters per key (an address, a username) that turn into temporary blocks.

use super::Store;
use crate::server::{clock::Millis, guard::Limit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleState {
    Open,
    /// Blocked until this instant.
    Blocked(Millis),
}

/// `$1` key, `$2` now: the end of the key's block, if it is blocked now.
pub(super) const BLOCKED_UNTIL: &str =
    "SELECT blocked_until FROM throttle WHERE key = $1 AND blocked_until > $2";

impl Store {
    pub async fn throttle_state(&self, key: &str, now: Millis) -> sqlx::Result<ThrottleState> {
        let until: Option<i64> = sqlx::query_scalar(BLOCKED_UNTIL)
            .bind(key)
            .bind(now)
            .fetch_optional(&self.reads)
            .await?
            .flatten();
        Ok(until.map_or(ThrottleState::Open, ThrottleState::Blocked))
    }

    /// Counts one failure for `key` (see `AttemptTx::throttle_failure`).
    pub async fn throttle_failure(
        &self,
        key: &str,
        limit: Limit,
        now: Millis,
    ) -> anyhow::Result<ThrottleState> {
        let mut tx = self.begin_attempt().await?;
        let state = tx.throttle_failure(key, limit, now).await?;
        tx.commit().await?;
        Ok(state)
    }

    pub async fn throttle_clear(&self, key: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM throttle WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }
}
