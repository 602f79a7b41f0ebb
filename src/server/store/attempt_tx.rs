//! One code attempt's writes in one transaction: the claim, the redemption, the
//! address counter, the audit row and a lockout with its outbox rows commit together,
//! once. On SQLite the whole attempt is one job of the writer thread (see `writer`); on
//! PostgreSQL the account's row stays locked until the attempt is decided, so attempts
//! of one account queue.

use async_trait::async_trait;
use sqlx::{Any, Transaction};

use super::{
    accounts::{Claim, LockoutActions},
    attempts::{AttemptOutcome, INSERT_ATTEMPT},
    codes::Redemption,
    outbox::{NewOutboxRow, INSERT_OUTBOX},
    statements::{Arg, SqliteTx, Statements},
    throttle::{ThrottleState, BLOCKED_UNTIL},
    Store,
};
use crate::server::{
    clock::Millis,
    guard::{self, Limit},
};

/// An account's standing at the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Open,
    Admitted,
    /// Locked, or unknown to the gate.
    Locked,
}

pub struct AttemptTx<S> {
    tx: S,
}

/// Work done in one attempt transaction, on whichever database the store has.
#[async_trait]
pub trait Procedure: Send + 'static {
    type Output: Send + 'static;
    async fn run<S: Statements>(self, tx: &mut AttemptTx<S>) -> anyhow::Result<Self::Output>;
}

impl Store {
    pub async fn begin_attempt(&self) -> sqlx::Result<AttemptTx<Transaction<'static, Any>>> {
        Ok(AttemptTx { tx: self.pool.begin().await? })
    }

    /// Runs `procedure` in one transaction: committed if it succeeds, undone if not.
    pub async fn transact<P: Procedure>(&self, procedure: P) -> anyhow::Result<P::Output> {
        match &self.writer {
            Some(writer) => {
                writer
                    .run(move |conn| {
                        // The SQLite statements never wait, so the future is ready at once.
                        futures_executor::block_on(procedure.run(&mut AttemptTx { tx: SqliteTx(conn) }))
                    })
                    .await
            }
            None => {
                let mut tx = self.begin_attempt().await?;
                let output = procedure.run(&mut tx).await?;
                tx.commit().await?;
                Ok(output)
            }
        }
    }
}

impl AttemptTx<Transaction<'static, Any>> {
    pub async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }
}

impl<S: Statements> AttemptTx<S> {
    /// Whether the account may try a code at all.
    pub async fn account_standing(&mut self, subject: &str) -> anyhow::Result<Standing> {
        let row = self
            .tx
            .first_row(
                "SELECT CASE WHEN a.locked_at IS NULL THEN 0 ELSE 1 END,
                        CASE WHEN EXISTS (SELECT 1 FROM admissions m WHERE m.subject = a.subject)
                             THEN 1 ELSE 0 END
                 FROM accounts a WHERE a.subject = $1",
                vec![subject.into()],
            )
            .await?;
        Ok(match row.as_deref() {
            None | Some([Some(1), _]) => Standing::Locked,
            Some([_, Some(1)]) => Standing::Admitted,
            Some(_) => Standing::Open,
        })
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
    ) -> anyhow::Result<Claim> {
        let claimed = self
            .tx
            .scalar(
                "UPDATE accounts SET
                     failures = CASE WHEN last_failure_at IS NULL OR last_failure_at < $3
                                     THEN 1 ELSE failures + 1 END,
                     last_failure_at = $2
                 WHERE subject = $1 AND locked_at IS NULL
                   AND (last_failure_at IS NULL OR last_failure_at < $3 OR failures < $4)
                 RETURNING failures",
                vec![subject.into(), now.into(), failure_cutoff.into(), i64::from(ceiling).into()],
            )
            .await?;
        if let Some(n) = claimed {
            return Ok(Claim::Granted(n as u32));
        }
        let locked = self
            .tx
            .scalar(
                "SELECT CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END FROM accounts WHERE subject = $1",
                vec![subject.into()],
            )
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
    ) -> anyhow::Result<Redemption> {
        let code_id = self
            .tx
            .scalar(
                "UPDATE codes SET uses = uses + 1
                 WHERE digest = $1 AND revoked_at IS NULL
                   AND (expires_at IS NULL OR expires_at > $2)
                   AND (max_uses IS NULL OR uses < max_uses)
                 RETURNING id",
                vec![digest.into(), now.into()],
            )
            .await?;
        let Some(code_id) = code_id else {
            return Ok(Redemption::Refused);
        };
        self.tx
            .execute(
                "INSERT INTO admissions (subject, code_id, admitted_at) VALUES ($1, $2, $3)
                 ON CONFLICT (subject) DO NOTHING",
                vec![subject.into(), code_id.into(), now.into()],
            )
            .await?;
        self.tx
            .execute(
                "UPDATE accounts SET failures = 0, last_failure_at = NULL WHERE subject = $1",
                vec![subject.into()],
            )
            .await?;
        let outbox = match then {
            Some(row) => Some(self.enqueue(row, now).await?),
            None => None,
        };
        Ok(Redemption::Admitted { outbox })
    }

    /// Whether `key` is blocked now.
    pub async fn throttle_state(&mut self, key: &str, now: Millis) -> anyhow::Result<ThrottleState> {
        let until = self.tx.scalar(BLOCKED_UNTIL, vec![key.into(), now.into()]).await?;
        Ok(until.map_or(ThrottleState::Open, ThrottleState::Blocked))
    }

    /// Counts one failure for `key`. When the count reaches the limit within its window
    /// the key is blocked, for `base × 2^(earlier blocks)` (see the guard); the call
    /// that sets a block returns it.
    pub async fn throttle_failure(
        &mut self,
        key: &str,
        limit: Limit,
        now: Millis,
    ) -> anyhow::Result<ThrottleState> {
        let cutoff = guard::cutoff(now, limit.window);
        let row = self
            .tx
            .first_row(
                "INSERT INTO throttle (key, failures, window_started_at) VALUES ($1, 1, $2)
                 ON CONFLICT (key) DO UPDATE SET
                     failures = CASE WHEN throttle.window_started_at < $3 THEN 1 ELSE throttle.failures + 1 END,
                     window_started_at = CASE WHEN throttle.window_started_at < $3 THEN $2 ELSE throttle.window_started_at END
                 RETURNING failures, blocks, blocked_until",
                vec![key.into(), now.into(), cutoff.into()],
            )
            .await?
            .ok_or_else(|| anyhow::anyhow!("the throttle upsert returned no row"))?;
        let (failures, blocks, blocked_until) =
            (row[0].unwrap_or(0) as u32, row[1].unwrap_or(0) as u32, row[2]);
        if failures < limit.max {
            return Ok(ThrottleState::Open);
        }
        let prior = guard::prior_blocks(blocks, blocked_until, now);
        let until = now + guard::block_duration(limit.window, prior).as_millis() as Millis;
        // Only the request that finds the count at the limit sets the block (it resets
        // the count), so parallel failures cannot double the block twice, and only that
        // request reports the new block.
        let set = self
            .tx
            .execute(
                "UPDATE throttle SET blocked_until = $2, blocks = $3, failures = 0, window_started_at = $4
                 WHERE key = $1 AND failures >= $5",
                vec![
                    key.into(),
                    until.into(),
                    (i64::from(prior) + 1).into(),
                    now.into(),
                    i64::from(limit.max).into(),
                ],
            )
            .await?;
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
    ) -> anyhow::Result<()> {
        self.tx
            .execute(
                INSERT_ATTEMPT,
                vec![subject.into(), address.into(), user_agent.into(), outcome.as_str().into(), now.into()],
            )
            .await?;
        Ok(())
    }

    /// Locks the account and queues its outbox rows. Returns the ids of the queued
    /// rows, or `None` when the account was already locked (another request won), in
    /// which case nothing is queued.
    pub async fn lock(
        &mut self,
        subject: &str,
        now: Millis,
        actions: LockoutActions,
    ) -> anyhow::Result<Option<Vec<i64>>> {
        let locked = self
            .tx
            .execute(
                "UPDATE accounts SET locked_at = $2 WHERE subject = $1 AND locked_at IS NULL",
                vec![subject.into(), now.into()],
            )
            .await?;
        if locked != 1 {
            return Ok(None);
        }
        let mut ids = Vec::with_capacity(actions.rows.len());
        for row in actions.rows {
            ids.push(self.enqueue(row, now).await?);
        }
        Ok(Some(ids))
    }

    /// Queues an outbox row; its id.
    pub async fn enqueue(&mut self, row: NewOutboxRow, now: Millis) -> anyhow::Result<i64> {
        let args: Vec<Arg> = vec![
            row.idempotency_key.as_str().into(),
            row.kind.as_str().into(),
            row.payload.to_string().as_str().into(),
            now.into(),
        ];
        self.tx
            .scalar(INSERT_OUTBOX, args)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the outbox insert returned no id"))
    }

    /// Opens a quiet window for the alert `key` unless one is open: `true` for exactly
    /// one caller per window, however many ask at once.
    pub async fn open_alert_window(&mut self, key: &str, now: Millis, until: Millis) -> anyhow::Result<bool> {
        let opened = self
            .tx
            .scalar(
                "INSERT INTO alert_windows (key, quiet_until) VALUES ($1, $3)
                 ON CONFLICT (key) DO UPDATE SET quiet_until = $3 WHERE alert_windows.quiet_until <= $2
                 RETURNING 1",
                vec![key.into(), now.into(), until.into()],
            )
            .await?;
        Ok(opened.is_some())
    }

    /// Whether the alert `key` is in a quiet window (raised recently).
    pub async fn alert_window_quiet(&mut self, key: &str, now: Millis) -> anyhow::Result<bool> {
        let quiet = self
            .tx
            .scalar(
                "SELECT 1 FROM alert_windows WHERE key = $1 AND quiet_until > $2",
                vec![key.into(), now.into()],
            )
            .await?;
        Ok(quiet.is_some())
    }

    /// For spray detection: the accounts with a wrong code from `address` since `since`
    /// (among its latest `scan` wrong codes), and the wrong codes of all accounts
    /// together since `since` (counted up to `cap`). Both are bounded, so a flood costs
    /// no more.
    pub async fn spray_counts(
        &mut self,
        address: &str,
        since: Millis,
        scan: u32,
        cap: u32,
    ) -> anyhow::Result<(i64, i64)> {
        let row = self
            .tx
            .first_row(
                "SELECT
                     (SELECT COUNT(DISTINCT subject) FROM (
                         SELECT subject FROM attempts WHERE address = $1 AND at >= $2
                           AND outcome IN ('invalid', 'locked', 'dry_run_locked')
                         ORDER BY at DESC LIMIT $3) recent_from),
                     (SELECT COUNT(*) FROM (
                         SELECT 1 AS one FROM attempts WHERE at >= $2
                           AND outcome IN ('invalid', 'locked', 'dry_run_locked') LIMIT $4) recent_all)",
                vec![address.into(), since.into(), i64::from(scan).into(), i64::from(cap).into()],
            )
            .await?
            .unwrap_or_default();
        Ok((row.first().copied().flatten().unwrap_or(0), row.get(1).copied().flatten().unwrap_or(0)))
    }
}
