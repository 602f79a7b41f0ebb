//! What a user may see when something goes wrong. Internal errors are logged on the
//! server and reach the browser only as a generic message.

use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadInput(String),
    #[error("Please sign in first.")]
    SignedOut,
    #[error("Incorrect username or password.")]
    InvalidCredentials,
    #[error("Your account has been disabled. Please contact the administrator.")]
    AccountDisabled,
    #[error("Please enter a valid referral code first.")]
    NotAdmitted,
    #[error("This is for administrators only.")]
    Forbidden,
    #[error("Too many attempts. Please try again in {}.", crate::domain::wait_text(*retry_after_secs))]
    TooManyRequests { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request itself could not be read (a framework-level decoding error).
    #[error("The request could not be read. Please reload the page and try again.")]
    Request(String),
}

impl AppError {
    /// The HTTP status this error is sent with.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadInput(_) | Self::Request(_) => 400,
            Self::SignedOut | Self::InvalidCredentials => 401,
            Self::AccountDisabled | Self::NotAdmitted | Self::Forbidden => 403,
            Self::TooManyRequests { .. } => 429,
            Self::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Network and decoding failures on the client side.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                Self::Request("The server could not be reached. Please try again.".into())
            }
            other => Self::Request(other.to_string()),
        }
    }
}
