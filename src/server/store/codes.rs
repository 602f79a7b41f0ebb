//! Referral codes at rest (keyed hash + prefix) and their atomic redemption.

use sqlx::Row;

use super::{outbox::NewOutboxRow, Store};
use crate::server::clock::Millis;

pub struct NewCode {
    pub digest: String,
    pub prefix: String,
    pub note: Option<String>,
    pub max_uses: Option<u32>,
    pub expires_at: Option<Millis>,
}

#[derive(Debug, Clone)]
pub struct CodeRow {
    pub id: i64,
    pub prefix: String,
    pub note: Option<String>,
    pub max_uses: Option<u32>,
    pub uses: u32,
    pub expires_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
    pub created_at: Millis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redemption {
    /// Admitted; `outbox` is the queued directory action, if one was given.
    Admitted { outbox: Option<i64> },
    /// Unknown, revoked, expired or used up: all look the same to the user.
    Refused,
}

impl Store {
    /// Inserts a code; `false` when a code with the same digest already exists.
    pub async fn insert_code(&self, code: &NewCode, now: Millis) -> sqlx::Result<bool> {
        let n = sqlx::query(
            "INSERT INTO codes (digest, prefix, note, max_uses, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (digest) DO NOTHING",
        )
        .bind(&code.digest)
        .bind(&code.prefix)
        .bind(&code.note)
        .bind(code.max_uses.map(i64::from))
        .bind(code.expires_at)
        .bind(now)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Uses the code for this account, in one transaction (see `AttemptTx::redeem`).
    pub async fn redeem_code(
        &self,
        digest: &str,
        subject: &str,
        now: Millis,
        then: Option<NewOutboxRow>,
    ) -> anyhow::Result<Redemption> {
        let mut tx = self.begin_attempt().await?;
        let redemption = tx.redeem(digest, subject, now, then).await?;
        tx.commit().await?;
        Ok(redemption)
    }

    pub async fn list_codes(&self) -> sqlx::Result<Vec<CodeRow>> {
        let rows = sqlx::query(
            "SELECT id, prefix, note, max_uses, uses, expires_at, revoked_at, created_at
             FROM codes ORDER BY id",
        )
        .fetch_all(&self.reads)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CodeRow {
                id: r.get("id"),
                prefix: r.get("prefix"),
                note: r.get("note"),
                max_uses: r.get::<Option<i64>, _>("max_uses").map(|n| n as u32),
                uses: r.get::<i64, _>("uses") as u32,
                expires_at: r.get("expires_at"),
                revoked_at: r.get("revoked_at"),
                created_at: r.get("created_at"),
            })
            .collect())
    }

    /// Revokes the codes matching a digest or a prefix; returns their ids.
    pub async fn revoke_codes(
        &self,
        digest: Option<&str>,
        prefix: &str,
        now: Millis,
    ) -> sqlx::Result<Vec<i64>> {
        sqlx::query_scalar(
            "UPDATE codes SET revoked_at = $3
             WHERE revoked_at IS NULL AND (digest = $1 OR ($1 IS NULL AND prefix = $2))
             RETURNING id",
        )
        .bind(digest)
        .bind(prefix)
        .bind(now)
        .fetch_all(&self.pool)
        .await
    }

    /// Revokes one code by id; its display prefix, or `None` when there is no such
    /// active code.
    pub async fn revoke_code_by_id(&self, id: i64, now: Millis) -> sqlx::Result<Option<String>> {
        sqlx::query_scalar(
            "UPDATE codes SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING prefix",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }
}
