//! The outbox: actions queued with a lockout, claimed under a lease and delivered once.

use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};

use super::Store;
use crate::server::clock::Millis;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxKind {
    /// Disable the account in the directory.
    DisableUser,
    /// End every session of the account in the directory.
    SignOutEverywhere,
    /// Tell an administrator.
    Alert,
    /// Record an admission in the directory (a Cognito group).
    RecordAdmission,
}

impl OutboxKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DisableUser => "disable_user",
            Self::SignOutEverywhere => "sign_out_everywhere",
            Self::Alert => "alert",
            Self::RecordAdmission => "record_admission",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "disable_user" => Some(Self::DisableUser),
            "sign_out_everywhere" => Some(Self::SignOutEverywhere),
            "alert" => Some(Self::Alert),
            "record_admission" => Some(Self::RecordAdmission),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewOutboxRow {
    pub idempotency_key: String,
    pub kind: OutboxKind,
    pub payload: serde_json::Value,
}

pub(super) const INSERT_OUTBOX: &str =
    "INSERT INTO outbox (idempotency_key, kind, payload, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, $4) RETURNING id";

impl NewOutboxRow {
    pub(super) async fn insert(self, tx: &mut Transaction<'_, Any>, now: Millis) -> sqlx::Result<i64> {
        sqlx::query_scalar(INSERT_OUTBOX)
            .bind(&self.idempotency_key)
            .bind(self.kind.as_str())
            .bind(self.payload.to_string())
            .bind(now)
            .fetch_one(&mut **tx)
            .await
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Undelivered {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub idempotency_key: String,
}

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub id: i64,
    pub idempotency_key: String,
    pub kind: OutboxKind,
    pub payload: serde_json::Value,
    pub attempts: u32,
}

impl Store {
    /// Claims due rows (all due rows, or just `only` when given) under a lease, so no
    /// other worker or request delivers them at the same time. A lease that runs out
    /// (a crashed instance) makes the row claimable again.
    pub async fn claim_outbox(
        &self,
        now: Millis,
        lease: std::time::Duration,
        only: Option<&[i64]>,
        limit: u32,
    ) -> sqlx::Result<Vec<OutboxRow>> {
        // Ids are integers, so listing them in the statement is safe.
        let only = only.map_or(String::new(), |ids| {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            format!("AND id IN ({})", if list.is_empty() { "NULL".into() } else { list })
        });
        // PostgreSQL: instances skip rows another is claiming. The outer conditions are
        // checked again on the locked row, so a row is never claimed twice.
        let skip_locked =
            if self.backend == super::Backend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
        let sql = format!(
            "UPDATE outbox SET lease_until = $2, attempts = attempts + 1
             WHERE state = 'pending' AND next_attempt_at <= $1
               AND (lease_until IS NULL OR lease_until < $1)
               AND id IN (
                 SELECT id FROM outbox
                 WHERE state = 'pending' AND next_attempt_at <= $1
                   AND (lease_until IS NULL OR lease_until < $1) {only}
                 ORDER BY id LIMIT $3 {skip_locked})
             RETURNING id, idempotency_key, kind, payload, attempts"
        );
        let mut rows = sqlx::query(&sql)
            .bind(now)
            .bind(now + lease.as_millis() as Millis)
            .bind(limit as i64)
            .fetch_all(&self.pool)
            .await?;
        rows.sort_by_key(|r| r.get::<i64, _>("id"));
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(OutboxRow {
                    id: r.get("id"),
                    idempotency_key: r.get("idempotency_key"),
                    kind: OutboxKind::parse(r.get("kind"))?,
                    payload: serde_json::from_str(r.get("payload")).ok()?,
                    attempts: r.get::<i64, _>("attempts") as u32,
                })
            })
            .collect())
    }

    pub async fn outbox_done(&self, id: i64, now: Millis) -> sqlx::Result<()> {
        sqlx::query("UPDATE outbox SET state = 'done', done_at = $2, lease_until = NULL, last_error = NULL WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed delivery: retried at `retry_at`, or given up when `None`.
    pub async fn outbox_failed(&self, id: i64, error: &str, retry_at: Option<Millis>) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE outbox SET last_error = $2, lease_until = NULL,
                 state = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'pending' END,
                 next_attempt_at = COALESCE($3, next_attempt_at)
             WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(retry_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deliveries not done yet (pending or given up; not cancelled), oldest first.
    pub async fn undelivered(&self) -> sqlx::Result<Vec<Undelivered>> {
        sqlx::query_as(
            "SELECT id, kind, state, attempts, next_attempt_at, last_error, idempotency_key
             FROM outbox WHERE state IN ('pending', 'failed') ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
    }

    /// Makes a pending or given-up row due now; `false` when there is no such row.
    pub async fn retry_now(&self, id: i64, now: Millis) -> sqlx::Result<bool> {
        let n = sqlx::query(
            "UPDATE outbox SET state = 'pending', next_attempt_at = $2, lease_until = NULL
             WHERE id = $1 AND state IN ('pending', 'failed')",
        )
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Rows not yet delivered (pending or failed), for health and tests.
    pub async fn outbox_depth(&self) -> sqlx::Result<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'failed')")
            .fetch_one(&self.pool)
            .await
    }

    /// Queues one row outside a lockout (e.g. the alert after an unlock).
    pub async fn enqueue(&self, row: NewOutboxRow, now: Millis) -> sqlx::Result<i64> {
        let mut tx = self.pool.begin().await?;
        let id = row.insert(&mut tx, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Stores an alert delivered by the log adapter; a second delivery of the same key
    /// changes nothing.
    pub async fn record_alert(
        &self,
        key: &str,
        event: &str,
        subject: &str,
        message: &str,
        now: Millis,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO alerts (idempotency_key, event, subject, message, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(key)
        .bind(event)
        .bind(subject)
        .bind(message)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
