//! Submissions of the protected form, photo bytes included (no shared disk needed).

use sqlx::Row;

use super::Store;
use crate::server::clock::Millis;

pub struct NewSubmission<'a> {
    pub subject: &'a str,
    pub full_name: &'a str,
    pub email: &'a str,
    pub about: &'a str,
    pub photo_type: &'a str,
    pub photo: &'a [u8],
}

pub struct SubmissionRow {
    pub id: i64,
    pub full_name: String,
    pub email: String,
    pub about: String,
    pub photo_type: String,
    pub photo_bytes: i64,
    pub created_at: Millis,
}

impl Store {
    pub async fn insert_submission(&self, s: NewSubmission<'_>, now: Millis) -> sqlx::Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO submissions (subject, full_name, email, about, photo_type, photo, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(s.subject)
        .bind(s.full_name)
        .bind(s.email)
        .bind(s.about)
        .bind(s.photo_type)
        .bind(s.photo)
        .bind(now)
        .fetch_one(&self.pool)
        .await
    }

    pub async fn latest_submission(&self, subject: &str) -> sqlx::Result<Option<SubmissionRow>> {
        let row = sqlx::query(
            "SELECT id, full_name, email, about, photo_type, length(photo) AS photo_bytes, created_at
             FROM submissions WHERE subject = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(subject)
        .fetch_optional(&self.reads)
        .await?;
        Ok(row.map(|r| SubmissionRow {
            id: r.get("id"),
            full_name: r.get("full_name"),
            email: r.get("email"),
            about: r.get("about"),
            photo_type: r.get("photo_type"),
            photo_bytes: r.get("photo_bytes"),
            created_at: r.get("created_at"),
        }))
    }
}
