//! Accounts of the local directory (argon2 hashes in the database).

use sqlx::Row;

use super::{flag, Store};
use crate::server::clock::Millis;

#[derive(Debug, Clone)]
pub struct LocalUser {
    pub username: String,
    pub subject: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub enabled: bool,
}

impl Store {
    /// Adds a user or, when the name exists, replaces its password and role and
    /// enables it. Returns the subject.
    pub async fn upsert_local_user(
        &self,
        username: &str,
        password_hash: &str,
        is_admin: bool,
        now: Millis,
    ) -> sqlx::Result<String> {
        let subject = format!("local:{username}");
        sqlx::query(
            "INSERT INTO local_users (username, subject, password_hash, is_admin, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,
                 is_admin = excluded.is_admin",
        )
        .bind(username)
        .bind(&subject)
        .bind(password_hash)
        .bind(i64::from(is_admin))
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(subject)
    }

    pub async fn local_user(&self, username: &str) -> sqlx::Result<Option<LocalUser>> {
        let row = sqlx::query(
            "SELECT username, subject, password_hash, is_admin, enabled FROM local_users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.reads)
        .await?;
        Ok(row.map(|r| LocalUser {
            username: r.get("username"),
            subject: r.get("subject"),
            password_hash: r.get("password_hash"),
            is_admin: flag(r.get("is_admin")),
            enabled: flag(r.get("enabled")),
        }))
    }

    /// Enables or disables a local user; `false` when there is no such user.
    pub async fn set_local_user_enabled(&self, subject: &str, enabled: bool) -> sqlx::Result<bool> {
        let n = sqlx::query("UPDATE local_users SET enabled = $2 WHERE subject = $1")
            .bind(subject)
            .bind(i64::from(enabled))
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n == 1)
    }
}
