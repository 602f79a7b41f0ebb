//! The SQLite writer: one connection whose jobs run in batches, one transaction per
//! batch (group commit).
//!
//! Why: through sqlx every statement is a round trip to the connection's thread, two
//! context switches each, and a code attempt is about ten statements; on two cores the
//! switches, not SQLite, were the cost (perf: ~50% in the scheduler, 3% in SQLite).
//! Here a job runs all its statements at once. An idle connection runs a job at once
//! on the caller's thread; a busy one queues it for the writer thread, which commits
//! everything queued meanwhile together. Each job runs inside a savepoint, so a failed
//! job undoes only itself; its caller hears back only after the commit.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    path::Path,
    sync::{
        atomic::{AtomicUsize, Ordering},
        mpsc, Arc, Mutex, PoisonError,
    },
    thread,
    time::Duration,
};

use rusqlite::Connection;
use tokio::sync::oneshot;

/// At most this many jobs share one commit.
const MAX_BATCH: usize = 256;

/// How long the thread waits for the write lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

type Reply = Box<dyn FnOnce(Result<(), String>) + Send>;
type Job = Box<dyn FnOnce(&mut Connection) -> Reply + Send>;

/// Cloned freely; all clones share the connection and the thread.
#[derive(Clone)]
pub struct Writer {
    conn: Arc<Mutex<Connection>>,
    jobs: mpsc::Sender<Job>,
    /// Jobs sent to the thread and not yet taken: while there are any, new jobs queue
    /// behind them rather than overtake them.
    queued: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

impl Writer {
    /// Opens the database file and starts the thread. The thread ends once every
    /// `Writer` is dropped and the queue is empty.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // As sqlx sets it on its connections.
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(64);
        let conn = Arc::new(Mutex::new(conn));
        let (jobs, queue) = mpsc::channel::<Job>();
        let queued = Arc::new(AtomicUsize::new(0));
        let (shared, taken) = (Arc::clone(&conn), Arc::clone(&queued));
        thread::Builder::new().name("sqlite-writer".into()).spawn(move || serve(&shared, &taken, queue))?;
        Ok(Self { conn, jobs, queued })
    }

    /// Runs `job` in a batch; its result once the batch has committed. When the
    /// connection is idle the batch is just this job, run here: a hop to the thread
    /// costs more than a job (tens of microseconds), so only contention pays for it.
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
        self.dispatch(job)?;
        // No reply: the batch could not begin (logged).
        rx.await.map_err(|_| anyhow::anyhow!("the SQLite writer could not run the job"))?
    }
}

impl Writer {
    /// Runs the job here if that needs no waiting: nothing queued, the connection free
    /// and the database's write lock too. Otherwise the thread runs it. (Waiting here
    /// would block a runtime thread, maybe the very one the lock's holder needs.)
    fn dispatch(&self, job: Job) -> anyhow::Result<()> {
        if self.queued.load(Ordering::Acquire) == 0 {
            if let Ok(mut conn) = self.conn.try_lock() {
                if begin(&mut conn, Duration::ZERO).is_ok() {
                    commit_batch(&mut conn, vec![job]);
                    return Ok(());
                }
            }
        }
        self.queued.fetch_add(1, Ordering::AcqRel);
        self.jobs.send(job).map_err(|_| anyhow::anyhow!("the SQLite writer has stopped"))
    }
}

fn serve(conn: &Mutex<Connection>, queued: &AtomicUsize, queue: mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
        let batch: Vec<Job> = std::iter::once(first).chain(queue.try_iter().take(MAX_BATCH - 1)).collect();
        queued.fetch_sub(batch.len(), Ordering::AcqRel);
        match begin(&mut conn, BUSY_TIMEOUT) {
            Ok(()) => commit_batch(&mut conn, batch),
            // Each job's reply is dropped unsent: its caller hears that it did not run.
            Err(e) => tracing::error!(error = %e, "SQLite writer: cannot begin a transaction"),
        }
    }
}

/// Begins the batch's transaction, waiting at most `wait` for the write lock.
fn begin(conn: &mut Connection, wait: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(wait)?;
    let began = conn.execute_batch("BEGIN IMMEDIATE");
    conn.busy_timeout(BUSY_TIMEOUT)?;
    began
}

/// Runs the jobs in the transaction just begun, commits, then tells each caller how it
/// ended.
fn commit_batch(conn: &mut Connection, batch: Vec<Job>) {
    let replies: Vec<Reply> = batch.into_iter().map(|job| job(conn)).collect();
    let committed = conn.execute_batch("COMMIT").map_err(|e| {
        let _ = conn.execute_batch("ROLLBACK");
        tracing::error!(error = %e, "SQLite writer: commit failed");
        format!("commit failed: {e}")
    });
    for reply in replies {
        reply(committed.clone());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn count(conn: &Connection) -> i64 {
        conn.query_row("SELECT COUNT(*) FROM t", (), |r| r.get(0)).unwrap()
    }

    #[tokio::test]
    // Holding the connection across awaits is the point here: the jobs must queue.
    #[allow(clippy::await_holding_lock)]
    async fn a_failed_job_undoes_only_itself_in_a_shared_batch() {
        let dir = tempfile::tempdir().unwrap();
        let writer = Writer::open(&dir.path().join("w.db")).unwrap();
        writer.run(|c| Ok(c.execute_batch("CREATE TABLE t (v INTEGER UNIQUE)")?)).await.unwrap();

        // Hold the connection so that every job below queues and they share one batch.
        let held = writer.conn.lock().unwrap();
        let insert = |v: i64| {
            let w = writer.clone();
            tokio::spawn(async move {
                w.run(move |c| Ok(c.execute("INSERT INTO t (v) VALUES (?1)", (v,))?)).await
            })
        };
        let ok1 = insert(1);
        let duplicate = insert(1);
        let fails = {
            let w = writer.clone();
            tokio::spawn(async move {
                w.run(|c| -> anyhow::Result<()> {
                    c.execute("INSERT INTO t (v) VALUES (2)", ())?;
                    anyhow::bail!("refused after writing")
                })
                .await
            })
        };
        let panics = {
            let w = writer.clone();
            tokio::spawn(async move {
                w.run(|c| -> anyhow::Result<()> {
                    c.execute("INSERT INTO t (v) VALUES (3)", ())?;
                    panic!("a bug in a job")
                })
                .await
            })
        };
        let ok4 = insert(4);
        while writer.queued.load(Ordering::Acquire) < 5 {
            tokio::task::yield_now().await;
        }
        drop(held);

        assert_eq!(ok1.await.unwrap().unwrap(), 1);
        assert!(duplicate.await.unwrap().is_err(), "the second 1 breaks the UNIQUE constraint");
        assert_eq!(fails.await.unwrap().unwrap_err().to_string(), "refused after writing");
        assert!(panics.await.unwrap().is_err(), "a panic is the job's error, not the writer's end");
        assert_eq!(ok4.await.unwrap().unwrap(), 1);
        let values: Vec<i64> = writer
            .run(|c| {
                assert_eq!(count(c), 2);
                let mut stmt = c.prepare("SELECT v FROM t ORDER BY v")?;
                let rows = stmt.query_map((), |r| r.get(0))?.collect::<Result<_, _>>()?;
                Ok(rows)
            })
            .await
            .unwrap();
        assert_eq!(values, vec![1, 4], "only the jobs that succeeded are kept");
    }

    #[tokio::test]
    async fn an_idle_writer_does_not_wait_for_another_connections_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        let writer = Writer::open(&path).unwrap();
        writer.run(|c| Ok(c.execute_batch("CREATE TABLE t (v INTEGER)")?)).await.unwrap();

        // Another connection holds the write lock: the job goes to the thread (which
        // waits for the lock) instead of blocking the caller's runtime thread.
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE; INSERT INTO t (v) VALUES (1)").unwrap();
        let mut job = std::pin::pin!(writer.run(|c| Ok(c.execute("INSERT INTO t (v) VALUES (2)", ())?)));
        assert!(futures::poll!(&mut job).is_pending(), "handed to the thread, not waited for here");
        other.execute_batch("COMMIT").unwrap();
        assert_eq!(job.await.unwrap(), 1);
        assert_eq!(writer.run(|c| Ok(count(c))).await.unwrap(), 2);
    }
}
