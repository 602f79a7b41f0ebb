//! What the administrators' console shows and sends. Shared by the server and the
//! browser; times arrive already formatted for people (UTC).

use serde::{Deserialize, Serialize};

/// A console page's data, with who is looking and the outcome of their last action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admin<T> {
    pub admin: String,
    pub flash: Option<AdminFlash>,
    pub data: T,
}

/// The outcome of an administrator's action, shown once on the page it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AdminFlash {
    Done(String),
    Refused(String),
    /// New referral codes, shown this once (only their hash is stored).
    CodesCreated(Vec<String>),
}

/// The console's sections, each with its own flash slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Section {
    Overview,
    Codes,
    Locked,
    Addresses,
    Attempts,
    Submissions,
    Outbox,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Self::Overview,
        Self::Codes,
        Self::Locked,
        Self::Addresses,
        Self::Attempts,
        Self::Submissions,
        Self::Outbox,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Self::Overview => "/admin",
            Self::Codes => "/admin/codes",
            Self::Locked => "/admin/locked",
            Self::Addresses => "/admin/addresses",
            Self::Attempts => "/admin/attempts",
            Self::Submissions => "/admin/submissions",
            Self::Outbox => "/admin/outbox",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Self::Overview => "Overview",
            Self::Codes => "Codes",
            Self::Locked => "Locked accounts",
            Self::Addresses => "Blocked addresses",
            Self::Attempts => "Attempts",
            Self::Submissions => "Submissions",
            Self::Outbox => "Outbox",
        }
    }

    pub fn flash_key(self) -> &'static str {
        match self {
            Self::Overview => "flash.admin.overview",
            Self::Codes => "flash.admin.codes",
            Self::Locked => "flash.admin.locked",
            Self::Addresses => "flash.admin.addresses",
            Self::Attempts => "flash.admin.attempts",
            Self::Submissions => "flash.admin.submissions",
            Self::Outbox => "flash.admin.outbox",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub locked: i64,
    pub blocked_addresses: i64,
    pub active_codes: i64,
    pub submissions: i64,
    pub undelivered: i64,
    pub failed_deliveries: i64,
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeView {
    pub id: i64,
    /// The first four characters, e.g. `7QK2-…`.
    pub prefix: String,
    pub note: String,
    pub uses: u32,
    pub max_uses: Option<u32>,
    pub expires: Option<String>,
    pub status: String,
    pub created: String,
}

/// Where one of a lockout's actions stands in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    /// `pending`, `done`, `failed` (given up) or `not queued`.
    pub state: String,
    pub attempts: i64,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedAccount {
    pub username: String,
    pub subject: String,
    pub locked: String,
    pub failures: u32,
    pub last_address: Option<String>,
    pub last_user_agent: Option<String>,
    pub disable: DeliveryView,
    pub alert: DeliveryView,
}

/// One entry of what administrators did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminActionView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedView {
    pub accounts: Vec<LockedAccount>,
    pub recent_unlocks: Vec<AdminActionView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedAddress {
    pub address: String,
    /// What the address is blocked from: referral codes or signing in.
    pub scope: String,
    pub until: String,
    pub blocks: u32,
}

/// The audit trail's filter as typed into the page (or the query string); the server
/// parses and checks it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptFilter {
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub outcome: String,
    /// UTC, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl AttemptFilter {
    /// The filter as a query string (for the next page and the CSV link).
    pub fn query(&self) -> String {
        [
            ("account", &self.account),
            ("address", &self.address),
            ("outcome", &self.outcome),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// Percent-encodes a query value (unreserved characters stay as they are).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The outcomes an attempt can have, as stored and as the filter names them.
pub const OUTCOMES: [&str; 6] =
    ["admitted", "invalid", "locked", "dry_run_locked", "refused_locked", "refused_address"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub address: String,
    pub user_agent: String,
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptsPage {
    pub rows: Vec<AttemptView>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionSummary {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub received: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionDetail {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub about: String,
    pub photo_type: String,
    pub photo_bytes: i64,
    pub received: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxView {
    pub id: i64,
    pub kind: String,
    pub state: String,
    pub attempts: i64,
    pub next_try: String,
    pub last_error: String,
    pub target: String,
}

/// Why an administrator did something (required to unlock an account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason(String);

impl Reason {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("Please give a reason.".into());
        }
        if s.chars().count() > Self::MAX_CHARS {
            return Err(format!("The reason is too long (at most {} characters).", Self::MAX_CHARS));
        }
        // One line, printable: it is shown in tables, alerts and CSV files.
        Ok(Self(s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_required_and_one_line() {
        assert!(Reason::parse("   ").is_err());
        assert!(Reason::parse(&"x".repeat(501)).is_err());
        assert_eq!(Reason::parse(" called them\nverified ").unwrap().as_str(), "called them verified");
    }

    #[test]
    fn filter_query_encodes_and_skips_empty_values() {
        let f = AttemptFilter {
            account: "a b&c".into(),
            outcome: "invalid".into(),
            from: "2026-12-01T10:00".into(),
            ..AttemptFilter::default()
        };
        assert_eq!(f.query(), "account=a%20b%26c&outcome=invalid&from=2026-12-01T10%3A00");
        assert_eq!(AttemptFilter::default().query(), "");
    }
}
