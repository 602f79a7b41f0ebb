use leptos::prelude::*;
use server_fn::codec::{MultipartData, MultipartFormData};

use crate::{domain::Receipt, error::AppError};

/// Receives the protected form (admitted accounts only; checked here, not just by
/// the page).
#[server(endpoint = "form/submit", input = MultipartFormData)]
pub async fn submit_form(data: MultipartData) -> Result<Receipt, AppError> {
    use crate::server::request::Request;
    let req = Request::current().await?;
    let multipart = data.into_inner().ok_or(AppError::Internal).map_err(|e| req.fail(e))?;
    crate::server::flows::form::submit(&req, multipart).await.map_err(|e| req.fail(e))
}

/// The account's latest submission, for the confirmation page.
#[server(endpoint = "form/receipt")]
pub async fn latest_receipt() -> Result<Option<Receipt>, AppError> {
    use crate::server::request::Request;
    let req = Request::current().await?;
    crate::server::flows::form::latest(&req).await.map_err(|e| req.fail(e))
}
