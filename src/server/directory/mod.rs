//! The `Directory` port: who a user is, and disabling them. `local` is the embedded
//! default; a Cognito adapter plugs in behind the same trait.

pub mod cognito;
mod id_token;
pub mod local;

pub use cognito::CognitoDirectory;
pub use local::LocalDirectory;

use async_trait::async_trait;

use crate::domain::{Password, Username};

/// A signed-in user as the directory knows them.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Stable id (local: `local:NAME`; Cognito: the `sub`).
    pub subject: String,
    pub username: String,
    pub is_admin: bool,
}

/// What a correct password leads to.
#[derive(Debug, Clone)]
pub enum SignInStep {
    Done(Identity),
    /// An administrator created the account: the user must choose a password first.
    NewPasswordRequired {
        session: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// Unknown user or wrong password: one answer for both.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("account disabled")]
    Disabled,
    /// The new password does not meet the directory's policy (message for the user).
    #[error("{0}")]
    PasswordRejected(String),
    /// The new-password challenge expired or was already used.
    #[error("challenge expired")]
    ChallengeExpired,
    #[error("directory unavailable: {0}")]
    Unavailable(anyhow::Error),
}

/// A delivery that failed: retrying may help (`Transient`) or cannot (`Permanent`).
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("transient: {0}")]
    Transient(String),
    #[error("permanent: {0}")]
    Permanent(String),
}

#[async_trait]
pub trait Directory: Send + Sync {
    /// `true` for the local directory, whose sign-in the app throttles itself.
    fn is_local(&self) -> bool;
    /// Whether the directory answers (for `/readyz`).
    async fn reachable(&self) -> bool;
    async fn authenticate(&self, username: &Username, password: &Password) -> Result<SignInStep, AuthError>;
    /// Answers the new-password challenge of [`SignInStep::NewPasswordRequired`].
    async fn complete_new_password(
        &self,
        username: &Username,
        session: &str,
        new_password: &Password,
    ) -> Result<Identity, AuthError>;
    /// Whether admissions are also recorded in the directory (a Cognito group).
    fn records_admissions(&self) -> bool;
    /// Records the admission in the directory; harmless twice.
    async fn record_admission(&self, subject: &str, username: &str) -> Result<(), DeliveryError>;
    /// Disables the account; doing it twice is harmless.
    async fn disable(&self, subject: &str, username: &str) -> Result<(), DeliveryError>;
    /// Ends the account's sessions held by the directory (tokens); harmless twice.
    async fn sign_out_everywhere(&self, subject: &str, username: &str) -> Result<(), DeliveryError>;
    async fn enable(&self, subject: &str, username: &str) -> Result<(), DeliveryError>;
}
