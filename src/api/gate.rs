use leptos::prelude::*;

use crate::{domain::GateOutcome, error::AppError};

/// Checks a referral code for the signed-in account.
#[server(endpoint = "gate/submit")]
pub async fn submit_code(code: String) -> Result<GateOutcome, AppError> {
    use crate::server::request::Request;
    let req = Request::current().await?;
    crate::server::flows::gate::submit(&req, &code).await.map_err(|e| req.fail(e))
}
