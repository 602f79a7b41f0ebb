//! The store: every piece of state, behind small atomic operations. One set of
//! portable queries (sqlx's `Any` driver) serves SQLite, the embedded default, and
//! PostgreSQL, for several instances sharing one database.

mod accounts;
pub mod admin;
mod attempt_tx;
mod attempts;
mod codes;
mod local_users;
mod outbox;
mod statements;
pub mod submissions;
mod throttle;
mod writer;

use std::str::FromStr;

use sqlx::{
    any::{install_default_drivers, AnyPoolOptions},
    migrate::Migrator,
    AnyPool, Executor,
};

pub use accounts::{AccountState, Claim, LockoutActions};
pub use admin::{AdminAction, AttemptQuery};
pub use attempt_tx::{AttemptTx, Procedure, Standing};
pub use attempts::AttemptOutcome;
pub use codes::{CodeRow, NewCode, Redemption};
pub use local_users::LocalUser;
pub use outbox::{NewOutboxRow, OutboxKind, OutboxRow};
pub use statements::Statements;
pub use throttle::ThrottleState;
pub use writer::Writer;

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> anyhow::Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            anyhow::bail!("DATABASE_URL must start with sqlite: or postgres://")
        }
    }
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// For statements that only read: on SQLite a few connections of their own, which
    /// WAL lets run beside the one writer; on PostgreSQL the same pool.
    reads: AnyPool,
    /// SQLite (a file): the thread that runs code attempts in batches (see `writer`).
    writer: Option<writer::Writer>,
    backend: Backend,
}

impl Store {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let store = Self::connect_without_migrating(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub async fn connect_without_migrating(url: &str) -> anyhow::Result<Self> {
        let backend = Backend::of(url)?;
        install_default_drivers();
        // SQLite has one writer at a time; several connections would contend for the
        // lock and SQLite's busy handler waits in sleeps of milliseconds. One connection
        // queues the statements in the process instead, without sleeping.
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 1 } else { 16 })
            // A ping before each use finds dropped network connections; a SQLite file
            // cannot drop, and the ping is a round trip to the connection's thread.
            .test_before_acquire(backend != Backend::Sqlite)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // Writers queue for the lock instead of failing; readers never
                        // wait for writers.
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        // With WAL, NORMAL syncs at checkpoints rather than at every
                        // commit: a crash of the process loses nothing, a power cut may
                        // lose the last commits but never corrupts the database.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        let reads = match backend {
            Backend::Postgres => pool.clone(),
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("PRAGMA busy_timeout = 30000").await?;
                        conn.execute("PRAGMA query_only = 1").await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await
                .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?,
        };
        let writer = match backend {
            Backend::Sqlite => sqlite_file(url)?.map(|path| writer::Writer::open(&path)).transpose()?,
            Backend::Postgres => None,
        };
        Ok(Self { pool, reads, writer, backend })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE.run(&self.pool).await?,
            Backend::Postgres => POSTGRES.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// The file behind a SQLite URL; `None` for an in-memory database, which a second
/// connection would not see.
fn sqlite_file(url: &str) -> anyhow::Result<Option<std::path::PathBuf>> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    let path = options.get_filename();
    let in_memory = path.as_os_str() == ":memory:" || path.to_string_lossy().starts_with("file:");
    Ok((!in_memory).then(|| path.to_path_buf()))
}

/// Flags are stored as 0/1 integers in both databases.
fn flag(value: i64) -> bool {
    value != 0
}
