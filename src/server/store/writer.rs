//! The SQLite writer: one connection on a thread of its own that runs the jobs sent to
//! it in batches, one transaction per batch (group commit).
//!
//! Why: through sqlx every statement is a round trip to the connection's thread, two
//! context switches each, and a code attempt is about ten statements; on two cores the
//! switches, not SQLite, were the cost (perf: ~50% in the scheduler, 3% in SQLite). Here
//! a job runs all its statements in one visit, and under load one wake-up and one
//! commit serve every job that queued meanwhile. Each job runs inside a savepoint, so a
//! failed job undoes only itself; its caller hears back only after the commit.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    path::Path,
    sync::mpsc,
    thread,
};

use rusqlite::Connection;
use tokio::sync::oneshot;

/// At most this many jobs share one commit.
const MAX_BATCH: usize = 256;

type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&mut Connection) -> Reply + Send>;

#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Opens the database file (which must exist, migrated) and starts the thread. The
    /// thread ends once every `Writer` is dropped and the queue is empty.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // As sqlx sets it on its connections.
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(64);
        let (jobs, queue) = mpsc::channel::<Job>();
        thread::Builder::new().name("sqlite-writer".into()).spawn(move || serve(conn, queue))?;
        Ok(Self { jobs })
    }

    /// Runs `job` in the next batch; its result once the batch has committed.
    pub async fn run<T, F>(&self, job: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let result = in_savepoint(conn, job);
            Box::new(move |committed: Result<(), String>| {
                let _ = tx.send(committed.map_err(anyhow::Error::msg).and(result));
            })
        });
        self.jobs.send(job).map_err(|_| anyhow::anyhow!("the SQLite writer has stopped"))?;
        // No reply: the batch could not begin (logged by the writer).
        rx.await.map_err(|_| anyhow::anyhow!("the SQLite writer could not run the job"))?
    }
}

fn serve(mut conn: Connection, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let batch: Vec<Job> = std::iter::once(first).chain(queue.try_iter().take(MAX_BATCH - 1)).collect();
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            let message = format!("cannot begin a transaction: {e}");
            tracing::error!(error = %message, "SQLite writer");
            // Each job's reply is dropped unsent: its caller hears that the writer failed.
            drop(batch);
            continue;
        }
        let replies: Vec<Reply> = batch.into_iter().map(|job| job(&mut conn)).collect();
        let committed = conn.execute_batch("COMMIT").map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            tracing::error!(error = %e, "SQLite writer: commit failed");
            format!("commit failed: {e}")
        });
        for reply in replies {
            reply(committed.clone());
        }
    }
}

/// Runs one job in a savepoint: kept if it succeeds, undone if it fails or panics.
fn in_savepoint<T>(
    conn: &mut Connection,
    job: impl FnOnce(&mut Connection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    conn.execute_batch("SAVEPOINT job")?;
    let result = catch_unwind(AssertUnwindSafe(|| job(conn)))
        .unwrap_or_else(|_| Err(anyhow::anyhow!("a SQLite job panicked")));
    let end = if result.is_ok() { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
    conn.execute_batch(end)?;
    result
}
