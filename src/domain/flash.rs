//! What a page shows: the signed-in user, the account's count, and the outcome of the
//! last action (the "flash"). Plain form posts end in a redirect that carries no return
//! value, so every page renders its messages from this stored state; hydrated pages
//! fetch the same snapshot after each action, so both ways show the same messages.

use serde::{Deserialize, Serialize};

/// The pages that have messages of their own; each has its own flash slot, so a
/// message meant for one page is never consumed by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Page {
    /// `/` only redirects; it has no messages of its own.
    Home,
    SignIn,
    NewPassword,
    Gate,
    Form,
}

impl Page {
    pub fn flash_key(self) -> &'static str {
        match self {
            Self::Home => "flash.home",
            Self::SignIn => "flash.sign_in",
            Self::NewPassword => "flash.new_password",
            Self::Gate => "flash.gate",
            Self::Form => "flash.form",
        }
    }
}

/// The result of submitting a referral code, as data (not errors).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GateOutcome {
    /// The code was valid; the account is admitted.
    Admitted,
    /// The code was wrong; `failures` is the account's count within the window.
    Rejected { failures: u32, max_retries: u32 },
    /// The code was wrong once more than allowed: the account is now disabled.
    Locked,
    /// Past the limit in dry-run mode: counted and alerted, but nothing is disabled.
    DryRunLocked { failures: u32 },
}

/// The last outcome of an action, shown once by the page it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flash {
    SignInFailed {
        username: String,
    },
    SignInThrottled {
        username: String,
        retry_after_secs: u64,
    },
    AccountDisabled {
        username: String,
    },
    /// The account was locked by the gate just now (shown on the sign-in page).
    Locked,
    SignedOut,
    /// The new-password step timed out or was already used: sign in again.
    ChallengeExpired,
    PasswordRejected {
        message: String,
    },
    Invalid {
        message: String,
        username: String,
    },
    CodeRejected {
        failures: u32,
        max_retries: u32,
    },
    CodeMalformed {
        message: String,
    },
    AddressBlocked {
        retry_after_secs: u64,
    },
    /// Past the limit in dry-run mode: the account stays enabled.
    DryRunLocked,
    CodeAccepted,
    FormRejected {
        message: String,
        draft: FormDraft,
    },
}

/// The text a user typed into the form, kept when the form is refused so nothing is lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft {
    pub full_name: String,
    pub email: String,
    pub about: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub username: String,
    pub admitted: bool,
    pub is_admin: bool,
    /// The account's failed code attempts within the failure window.
    pub failures: u32,
}

/// Everything a page needs to render, fetched as one server function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub user: Option<UserView>,
    /// A new password must be chosen before signing in (set by the directory).
    pub new_password_for: Option<String>,
    pub flash: Option<Flash>,
    pub max_retries: u32,
    pub contact: String,
}

impl Snapshot {
    /// Attempts left before the next wrong code disables the account.
    pub fn attempts_left(&self) -> u32 {
        let failures = self.user.as_ref().map_or(0, |u| u.failures);
        self.max_retries.saturating_sub(failures)
    }
}
