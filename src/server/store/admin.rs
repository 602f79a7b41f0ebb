//! What the administrators' console reads, and the record of what administrators did.

use sqlx::{Any, Row, Transaction};

use super::Store;
use crate::server::clock::Millis;

/// One thing an administrator did, and why.
pub struct AdminAction<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub reason: Option<&'a str>,
}

impl AdminAction<'_> {
    pub(super) async fn insert(&self, tx: &mut Transaction<'_, Any>, now: Millis) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO admin_actions (actor, action, target, reason, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(self.actor)
        .bind(self.action)
        .bind(self.target)
        .bind(self.reason)
        .bind(now)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdminActionRow {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub reason: Option<String>,
    pub at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LockedRow {
    pub subject: String,
    pub username: String,
    pub failures: i64,
    pub locked_at: i64,
    pub last_address: Option<String>,
    pub last_user_agent: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BlockRow {
    pub key: String,
    pub blocked_until: i64,
    pub blocks: i64,
}

/// The audit trail's filter, checked and typed.
#[derive(Debug, Clone, Default)]
pub struct AttemptQuery {
    pub username: Option<String>,
    pub address: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRow {
    pub id: i64,
    pub at: i64,
    pub username: String,
    pub subject: String,
    pub address: String,
    pub user_agent: Option<String>,
    pub outcome: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmissionListRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubmissionFull {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub about: String,
    pub photo_type: String,
    pub photo_bytes: i64,
    pub created_at: i64,
}

const ATTEMPT_FILTER: &str = "FROM attempts t LEFT JOIN accounts a ON a.subject = t.subject
     WHERE ($1 IS NULL OR a.username = $1) AND ($2 IS NULL OR t.address = $2)
       AND ($3 IS NULL OR t.outcome = $3) AND ($4 IS NULL OR t.at >= $4) AND ($5 IS NULL OR t.at < $5)";

impl Store {
    /// Locked accounts, active codes, submissions, pending and given-up deliveries.
    pub async fn overview_counts(&self, now: Millis) -> sqlx::Result<[i64; 5]> {
        let (a, b, c, d, e): (i64, i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM accounts WHERE locked_at IS NOT NULL),
                    (SELECT COUNT(*) FROM codes WHERE revoked_at IS NULL
                        AND (expires_at IS NULL OR expires_at > $1) AND (max_uses IS NULL OR uses < max_uses)),
                    (SELECT COUNT(*) FROM submissions),
                    (SELECT COUNT(*) FROM outbox WHERE state = 'pending'),
                    (SELECT COUNT(*) FROM outbox WHERE state = 'failed')",
        )
        .bind(now)
        .fetch_one(&self.reads)
        .await?;
        Ok([a, b, c, d, e])
    }

    pub async fn recent_admin_actions(&self, action: &str, limit: u32) -> sqlx::Result<Vec<AdminActionRow>> {
        sqlx::query_as(
            "SELECT actor, action, target, reason, at FROM admin_actions
             WHERE action = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(action)
        .bind(limit as i64)
        .fetch_all(&self.reads)
        .await
    }

    /// Records an action that changes nothing else in the store.
    pub async fn record_admin_action(&self, action: &AdminAction<'_>, now: Millis) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        action.insert(&mut tx, now).await?;
        tx.commit().await
    }

    pub async fn locked_accounts(&self) -> sqlx::Result<Vec<LockedRow>> {
        sqlx::query_as(
            "SELECT a.subject, a.username, a.failures, a.locked_at,
                 (SELECT t.address FROM attempts t WHERE t.subject = a.subject ORDER BY t.id DESC LIMIT 1)
                     AS last_address,
                 (SELECT t.user_agent FROM attempts t WHERE t.subject = a.subject ORDER BY t.id DESC LIMIT 1)
                     AS last_user_agent
             FROM accounts a WHERE a.locked_at IS NOT NULL ORDER BY a.locked_at DESC",
        )
        .fetch_all(&self.reads)
        .await
    }

    pub async fn delivery(&self, idempotency_key: &str) -> sqlx::Result<Option<DeliveryRow>> {
        sqlx::query_as("SELECT state, attempts, last_error FROM outbox WHERE idempotency_key = $1")
            .bind(idempotency_key)
            .fetch_optional(&self.reads)
            .await
    }

    /// Address blocks in force (from referral codes and from signing in).
    pub async fn address_blocks(&self, now: Millis) -> sqlx::Result<Vec<BlockRow>> {
        sqlx::query_as(
            "SELECT key, blocked_until, blocks FROM throttle
             WHERE blocked_until > $1 AND (key LIKE 'gate:addr:%' OR key LIKE 'signin:addr:%')
             ORDER BY blocked_until DESC",
        )
        .bind(now)
        .fetch_all(&self.reads)
        .await
    }

    /// Lifts every block in force on `address` and records who did it, in one
    /// transaction; returns how many blocks were lifted.
    pub async fn lift_address(
        &self,
        address: &str,
        action: &AdminAction<'_>,
        now: Millis,
    ) -> sqlx::Result<u64> {
        let mut tx = self.pool.begin().await?;
        let lifted = sqlx::query(
            "UPDATE throttle SET blocked_until = NULL, failures = 0, window_started_at = $3
             WHERE key IN ($1, $2) AND blocked_until > $3",
        )
        .bind(format!("gate:addr:{address}"))
        .bind(format!("signin:addr:{address}"))
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if lifted > 0 {
            action.insert(&mut tx, now).await?;
        }
        tx.commit().await?;
        Ok(lifted)
    }

    pub async fn count_attempts(&self, q: &AttemptQuery) -> sqlx::Result<i64> {
        let sql = format!("SELECT COUNT(*) {ATTEMPT_FILTER}");
        let (n,): (i64,) = bind_filter(sqlx::query_as(&sql), q).fetch_one(&self.reads).await?;
        Ok(n)
    }

    /// Attempts matching `q`, newest first, with ids below `before`.
    pub async fn attempts(
        &self,
        q: &AttemptQuery,
        before: i64,
        limit: u32,
        offset: u64,
    ) -> sqlx::Result<Vec<AttemptRow>> {
        let sql = format!(
            "SELECT t.id, t.at, COALESCE(a.username, t.subject) AS username, t.subject, t.address,
                    t.user_agent, t.outcome
             {ATTEMPT_FILTER} AND t.id < $6 ORDER BY t.id DESC LIMIT $7 OFFSET $8"
        );
        bind_filter(sqlx::query_as(&sql), q)
            .bind(before)
            .bind(limit as i64)
            .bind(offset as i64)
            .fetch_all(&self.reads)
            .await
    }

    pub async fn submissions(&self, limit: u32, offset: u64) -> sqlx::Result<Vec<SubmissionListRow>> {
        sqlx::query_as(
            "SELECT s.id, COALESCE(a.username, s.subject) AS username, s.full_name, s.email, s.created_at
             FROM submissions s LEFT JOIN accounts a ON a.subject = s.subject
             ORDER BY s.id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit as i64)
        .bind(offset as i64)
        .fetch_all(&self.reads)
        .await
    }

    pub async fn submission(&self, id: i64) -> sqlx::Result<Option<SubmissionFull>> {
        sqlx::query_as(
            "SELECT s.id, COALESCE(a.username, s.subject) AS username, s.full_name, s.email, s.about,
                    s.photo_type, length(s.photo) AS photo_bytes, s.created_at
             FROM submissions s LEFT JOIN accounts a ON a.subject = s.subject WHERE s.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.reads)
        .await
    }

    /// A submission's photo: its media type and bytes.
    pub async fn photo(&self, id: i64) -> sqlx::Result<Option<(String, Vec<u8>)>> {
        let row = sqlx::query("SELECT photo_type, photo FROM submissions WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.reads)
            .await?;
        Ok(row.map(|r| (r.get("photo_type"), r.get("photo"))))
    }
}

type AnyArgs<'q> = <Any as sqlx::Database>::Arguments<'q>;

/// Binds $1–$5 of [`ATTEMPT_FILTER`]; NULL means "any".
fn bind_filter<'q, O>(
    query: sqlx::query::QueryAs<'q, Any, O, AnyArgs<'q>>,
    q: &'q AttemptQuery,
) -> sqlx::query::QueryAs<'q, Any, O, AnyArgs<'q>> {
    query
        .bind(q.username.as_deref())
        .bind(q.address.as_deref())
        .bind(q.outcome.as_deref())
        .bind(q.from)
        .bind(q.to)
}
