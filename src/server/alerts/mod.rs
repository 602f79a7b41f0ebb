//! The `Alerts` port: telling an administrator. `log` is the default; SNS plugs in
//! behind the same trait.

mod log;
mod sns;

pub use log::LogAlerts;
pub use sns::SnsAlerts;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::directory::DeliveryError;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertEvent {
    #[default]
    AccountDisabled,
    AccountUnlocked,
    AddressBlocked,
    SpraySuspected,
}

impl AlertEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccountDisabled => "account_disabled",
            Self::AccountUnlocked => "account_unlocked",
            Self::AddressBlocked => "address_blocked",
            Self::SpraySuspected => "spray_suspected",
        }
    }
}

/// An alert as queued in the outbox (its payload) and delivered by an adapter. Fields
/// added later default, so rows queued by an older version still deliver.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Alert {
    pub event: AlertEvent,
    pub subject: String,
    pub username: String,
    pub failures: u32,
    pub address: String,
    pub user_agent: Option<String>,
    pub at: String,
    pub instance: String,
    /// The policy runs in dry-run mode: nothing was disabled.
    #[serde(default)]
    pub dry_run: bool,
    /// Who acted, and why (unlocks).
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// Accounts involved and the window looked at (spray alerts).
    #[serde(default)]
    pub accounts: Option<u32>,
    #[serde(default)]
    pub window: Option<String>,
}

impl Alert {
    pub fn subject_line(&self) -> &'static str {
        match self.event {
            AlertEvent::AccountDisabled if self.dry_run => "Dry run: account would be disabled",
            AlertEvent::AccountDisabled => "Account disabled",
            AlertEvent::AccountUnlocked => "Account unlocked",
            AlertEvent::AddressBlocked => "Address blocked",
            AlertEvent::SpraySuspected => "Referral code spray suspected",
        }
    }

    /// A readable message for a person.
    pub fn message(&self) -> String {
        let ua = self.user_agent.as_deref().unwrap_or("unknown user agent");
        let (at, instance) = (&self.at, &self.instance);
        match self.event {
            AlertEvent::AccountDisabled if self.dry_run => format!(
                "Dry run: user {} (id {}) would have been disabled after {} failed referral code attempts, \
                 from {} ({ua}), at {at}, instance {instance}. The account stays enabled (dry-run mode).",
                self.username, self.subject, self.failures, self.address
            ),
            AlertEvent::AccountDisabled => format!(
                "Account disabled: user {} (id {}) after {} failed referral code attempts, from {} ({ua}), \
                 at {at}, instance {instance}.",
                self.username, self.subject, self.failures, self.address
            ),
            AlertEvent::AccountUnlocked => format!(
                "Account unlocked: user {} (id {}) by {}, reason: {}, at {at}, instance {instance}.",
                self.username,
                self.subject,
                self.by.as_deref().unwrap_or("an administrator"),
                self.reason.as_deref().unwrap_or("none given"),
            ),
            AlertEvent::AddressBlocked => format!(
                "Address blocked: {} made {} failed referral code attempts (the last as user {}, id {}), \
                 {ua}, at {at}, instance {instance}. No account was disabled.",
                self.address, self.failures, self.username, self.subject
            ),
            AlertEvent::SpraySuspected => {
                let window = self.window.as_deref().unwrap_or("the window");
                let what = match self.accounts {
                    Some(n) => format!(
                        "{} failed referral codes on {n} different accounts within {window}",
                        self.address
                    ),
                    None => format!(
                        "{} wrong referral codes from all accounts together within {window}",
                        self.failures
                    ),
                };
                format!(
                    "Referral code spray suspected: {what}, at {at}, instance {instance}. \
                     No account was disabled; no further alert of this kind until the window has passed."
                )
            }
        }
    }
}

#[async_trait]
pub trait Alerts: Send + Sync {
    /// Sends the alert; the same `idempotency_key` is never sent twice downstream
    /// where the adapter can prevent it.
    async fn send(&self, idempotency_key: &str, alert: &Alert) -> Result<(), DeliveryError>;
}
