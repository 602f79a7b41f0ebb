//! The `Alerts` port: telling an administrator. `log` is the default; SNS plugs in
//! behind the same trait.

mod log;
mod sns;

pub use log::LogAlerts;
pub use sns::SnsAlerts;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::directory::DeliveryError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertEvent {
    AccountDisabled,
    AccountUnlocked,
    AddressBlocked,
}

impl AlertEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountDisabled => "account_disabled",
            Self::AccountUnlocked => "account_unlocked",
            Self::AddressBlocked => "address_blocked",
        }
    }

    pub fn subject_line(self) -> &'static str {
        match self {
            Self::AccountDisabled => "Account disabled",
            Self::AccountUnlocked => "Account unlocked",
            Self::AddressBlocked => "Address blocked",
        }
    }
}

/// An alert as queued in the outbox (its payload) and delivered by an adapter.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Alert {
    pub event: AlertEvent,
    pub subject: String,
    pub username: String,
    pub failures: u32,
    pub address: String,
    pub user_agent: Option<String>,
    pub at: String,
    pub instance: String,
}

impl Alert {
    /// A readable message for a person.
    pub fn message(&self) -> String {
        if self.event == AlertEvent::AddressBlocked {
            return format!(
                "Address blocked: {} made {} failed referral code attempts (the last as user {}, id {}), \
                 user agent {}, at {}, instance {}. No account was disabled.",
                self.address,
                self.failures,
                self.username,
                self.subject,
                self.user_agent.as_deref().unwrap_or("unknown"),
                self.at,
                self.instance,
            );
        }
        format!(
            "{}: user {} (id {}) after {} failed referral code attempts, from {} ({}), at {}, instance {}.",
            self.event.subject_line(),
            self.username,
            self.subject,
            self.failures,
            self.address,
            self.user_agent.as_deref().unwrap_or("unknown user agent"),
            self.at,
            self.instance,
        )
    }
}

#[async_trait]
pub trait Alerts: Send + Sync {
    /// Sends the alert; the same `idempotency_key` is never sent twice downstream
    /// where the adapter can prevent it.
    async fn send(&self, idempotency_key: &str, alert: &Alert) -> Result<(), DeliveryError>;
}
