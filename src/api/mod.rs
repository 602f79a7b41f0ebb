//! Server functions: each authorises, parses, calls a service and maps the result.
//! Endpoints are explicit so their URLs stay stable for tests and proxies.

pub mod admin;
mod auth;
mod form;
mod gate;
mod snapshot;

pub use auth::{set_new_password, sign_in, sign_out, SetNewPassword, SignIn, SignOut};
pub use form::{latest_receipt, submit_form, LatestReceipt, SubmitForm};
pub use gate::{submit_code, SubmitCode};
pub use snapshot::{get_snapshot, GetSnapshot};
