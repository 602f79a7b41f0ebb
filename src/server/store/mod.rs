//! The store: every piece of state, behind small atomic operations.
//! SQLite now; the SQL is kept portable so PostgreSQL can follow.

mod accounts;
mod attempts;
mod codes;
mod local_users;
mod outbox;
pub mod submissions;
mod throttle;

use std::{str::FromStr, time::Duration};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

pub use accounts::{AccountState, Claim, LockoutActions};
pub use attempts::AttemptOutcome;
pub use codes::{CodeRow, NewCode, Redemption};
pub use local_users::LocalUser;
pub use outbox::{NewOutboxRow, OutboxKind, OutboxRow};
pub use throttle::ThrottleState;

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(
            url.starts_with("sqlite:"),
            "DATABASE_URL must be a sqlite: address for now (PostgreSQL support is planned)"
        );
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            // Writers queue for the lock instead of failing when several requests write.
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}
