//! One file per page. Each page fetches its [`Snapshot`](crate::domain::Snapshot)
//! again after each action, and renders messages from it.

#[cfg(feature = "ssr")]
pub mod admin;
mod common;
mod form;
mod gate;
mod home;
mod new_password;
mod received;
mod sign_in;

pub use common::landing;
pub use form::FormPage;
pub use gate::GatePage;
pub use home::{HomePage, NotFound};
pub use new_password::NewPasswordPage;
pub use received::ReceivedPage;
pub use sign_in::SignInPage;
