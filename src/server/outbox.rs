//! The outbox worker: delivers queued actions to the directory and the alerts, with
//! exponential backoff and jitter, once per idempotency key, across restarts.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use rand::Rng;
use serde::Deserialize;
use tokio::sync::watch;

use super::{
    alerts::{Alert, Alerts},
    clock::{Clock, Millis},
    directory::{DeliveryError, Directory},
    store::{OutboxKind, OutboxRow, Store},
};

/// A claimed row is someone's for this long; then another worker may take it.
const LEASE: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_secs(2);
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// After this many attempts a still-failing row is given up and left for an operator.
const MAX_ATTEMPTS: u32 = 50;

pub struct Outbox {
    store: Store,
    directory: Arc<dyn Directory>,
    alerts: Arc<dyn Alerts>,
    clock: Arc<dyn Clock>,
    /// When the worker last went round its loop (for `/readyz`).
    beat: AtomicI64,
}

#[derive(Deserialize)]
struct Target {
    subject: String,
    username: String,
}

impl Outbox {
    pub fn new(
        store: Store,
        directory: Arc<dyn Directory>,
        alerts: Arc<dyn Alerts>,
        clock: Arc<dyn Clock>,
    ) -> Arc<Self> {
        Arc::new(Self { store, directory, alerts, clock, beat: AtomicI64::new(0) })
    }

    /// Delivers the due rows (or only the given ones); returns how many went through.
    pub async fn deliver(&self, only: Option<&[i64]>) -> usize {
        let rows = match self.store.claim_outbox(self.clock.now(), LEASE, only, 50).await {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(error = %e, "outbox: cannot claim rows");
                return 0;
            }
        };
        let mut delivered = 0;
        for row in rows {
            let result = self.deliver_row(&row).await;
            let now = self.clock.now();
            let stored = match &result {
                Ok(()) => {
                    delivered += 1;
                    tracing::info!(id = row.id, kind = row.kind.as_str(), key = %row.idempotency_key, "outbox: delivered");
                    self.store.outbox_done(row.id, now).await
                }
                Err(e) => {
                    let retry_at = match e {
                        DeliveryError::Transient(_) if row.attempts < MAX_ATTEMPTS => {
                            Some(now + backoff(row.attempts))
                        }
                        _ => None,
                    };
                    let permanence = if retry_at.is_some() { "transient" } else { "given_up" };
                    metrics::counter!(super::metrics::DELIVERY_FAILURES, "kind" => row.kind.as_str(), "result" => permanence)
                        .increment(1);
                    tracing::warn!(id = row.id, kind = row.kind.as_str(), attempts = row.attempts, error = %e,
                        given_up = retry_at.is_none(), "outbox: delivery failed");
                    self.store.outbox_failed(row.id, &e.to_string(), retry_at).await
                }
            };
            if let Err(e) = stored {
                tracing::error!(error = %e, id = row.id, "outbox: cannot record the delivery");
            }
        }
        delivered
    }

    async fn deliver_row(&self, row: &OutboxRow) -> Result<(), DeliveryError> {
        let bad = |e: serde_json::Error| DeliveryError::Permanent(format!("bad payload: {e}"));
        match row.kind {
            OutboxKind::DisableUser => {
                let t: Target = serde_json::from_value(row.payload.clone()).map_err(bad)?;
                self.directory.disable(&t.subject, &t.username).await
            }
            OutboxKind::SignOutEverywhere => {
                let t: Target = serde_json::from_value(row.payload.clone()).map_err(bad)?;
                self.directory.sign_out_everywhere(&t.subject, &t.username).await
            }
            OutboxKind::RecordAdmission => {
                let t: Target = serde_json::from_value(row.payload.clone()).map_err(bad)?;
                self.directory.record_admission(&t.subject, &t.username).await
            }
            OutboxKind::Alert => {
                let alert: Alert = serde_json::from_value(row.payload.clone()).map_err(bad)?;
                self.alerts.send(&row.idempotency_key, &alert).await
            }
        }
    }

    /// Whether the worker went round its loop lately (a delivery may take a while).
    pub fn worker_alive(&self) -> bool {
        let beat = self.beat.load(Ordering::Relaxed);
        beat > 0 && self.clock.now() - beat < 60_000
    }

    /// Delivers due rows every few seconds, until `stop` turns true; a
    /// delivery under way is finished first (its row would otherwise wait for its lease).
    pub async fn run(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            self.beat.store(self.clock.now(), Ordering::Relaxed);
            while !*stop.borrow() && self.deliver(None).await > 0 {}
            tokio::select! {
                _ = tokio::time::sleep(POLL) => {}
                _ = stop.changed() => {}
            }
        }
        tracing::info!("outbox worker stopped");
    }
}

/// 2^attempts seconds (at most an hour), with jitter so retries do not align.
fn backoff(attempts: u32) -> Millis {
    let base = Duration::from_secs(1u64 << attempts.min(12)).min(MAX_BACKOFF);
    let jitter = rand::thread_rng().gen_range(0.5..1.0);
    (base.as_millis() as f64 * jitter) as Millis
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_grows_and_is_capped() {
        for attempts in 0..40 {
            let ms = super::backoff(attempts);
            assert!((500..=3_600_000).contains(&ms), "{attempts}: {ms}");
        }
        assert!(super::backoff(10) > super::backoff(1));
    }
}
