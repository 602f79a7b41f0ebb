//! Alerts as a structured log line plus a row in the store.

use std::sync::Arc;

use async_trait::async_trait;

use super::{Alert, Alerts};
use crate::server::{
    clock::{Clock, SystemClock},
    directory::DeliveryError,
    store::Store,
};

pub struct LogAlerts {
    store: Store,
}

impl LogAlerts {
    pub fn new(store: Store) -> Arc<Self> {
        Arc::new(Self { store })
    }
}

#[async_trait]
impl Alerts for LogAlerts {
    async fn send(&self, key: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let message = alert.message();
        self.store
            .record_alert(key, alert.event.as_str(), &alert.subject, &message, SystemClock.now())
            .await
            .map_err(|e| DeliveryError::Transient(e.to_string()))?;
        tracing::warn!(
            target: "referral_gate::alert",
            event = alert.event.as_str(),
            subject = %alert.subject,
            username = %alert.username,
            failures = alert.failures,
            address = %alert.address,
            idempotency_key = key,
            "{message}"
        );
        Ok(())
    }
}
