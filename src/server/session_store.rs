//! tower-sessions' store for SQLite, on a writer thread of its own (`sessions.db`).
//!
//! Written by hand although tower-sessions-sqlx-store has one: through sqlx a load and
//! a save are four round trips to the connection's thread per request; here each is
//! one job, and concurrent requests share a commit. The table and its encoding are
//! that crate's (MessagePack records, RFC 3339 expiry), so existing sessions stay
//! valid; PostgreSQL still uses the crate's `PostgresStore`.

use std::path::Path;

use async_trait::async_trait;
use rusqlite::{ErrorCode, OptionalExtension};
use time::{format_description::well_known::Rfc3339, OffsetDateTime};
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
    SessionStore,
};

use super::store::Writer;

#[derive(Debug, Clone)]
pub struct SqliteSessions {
    writer: Writer,
}

impl SqliteSessions {
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        Ok(Self { writer: Writer::open(path)? })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.writer
            .run(|conn| {
                conn.execute_batch(
                    "CREATE TABLE IF NOT EXISTS sessions (
                         id TEXT PRIMARY KEY NOT NULL,
                         data BLOB NOT NULL,
                         expiry_date INTEGER NOT NULL
                     )",
                )?;
                Ok(())
            })
            .await
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut rusqlite::Connection) -> anyhow::Result<T> + Send + 'static,
    ) -> session_store::Result<T> {
        self.writer.run(job).await.map_err(|e| session_store::Error::Backend(e.to_string()))
    }
}

fn encode(record: &Record) -> session_store::Result<(String, Vec<u8>, String)> {
    let data = rmp_serde::to_vec(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    Ok((record.id.to_string(), data, timestamp(record.expiry_date)?))
}

fn timestamp(at: OffsetDateTime) -> session_store::Result<String> {
    at.format(&Rfc3339).map_err(|e| session_store::Error::Encode(e.to_string()))
}

#[async_trait]
impl SessionStore for SqliteSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let mut fresh = record.clone();
        *record = self
            .run(move |conn| loop {
                let (id, data, expiry) = encode(&fresh)?;
                let inserted = conn.execute(
                    "INSERT OR ABORT INTO sessions (id, data, expiry_date) VALUES (?1, ?2, ?3)",
                    (id, data, expiry),
                );
                match inserted {
                    Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
                        fresh.id = Id::default();
                    }
                    other => {
                        other?;
                        return Ok(fresh);
                    }
                }
            })
            .await?;
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (id, data, expiry) = encode(record)?;
        self.run(move |conn| {
            conn.prepare_cached(
                "INSERT INTO sessions (id, data, expiry_date) VALUES (?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date",
            )?
            .execute((id, data, expiry))?;
            Ok(())
        })
        .await
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let (id, now) = (session_id.to_string(), timestamp(OffsetDateTime::now_utc())?);
        let data: Option<Vec<u8>> = self
            .run(move |conn| {
                Ok(conn
                    .prepare_cached("SELECT data FROM sessions WHERE id = ?1 AND expiry_date > ?2")?
                    .query_row((id, now), |row| row.get(0))
                    .optional()?)
            })
            .await?;
        data.map(|d| rmp_serde::from_slice(&d).map_err(|e| session_store::Error::Decode(e.to_string())))
            .transpose()
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        let id = session_id.to_string();
        self.run(move |conn| {
            conn.prepare_cached("DELETE FROM sessions WHERE id = ?1")?.execute((id,))?;
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl ExpiredDeletion for SqliteSessions {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.run(|conn| {
            conn.execute("DELETE FROM sessions WHERE datetime(expiry_date) < datetime('now')", ())?;
            Ok(())
        })
        .await
    }
}
