//! The administrators' console. Every function checks the role itself (403 for
//! anyone else); actions leave their outcome for the section's page.

use leptos::prelude::*;

use crate::{
    domain::admin::{
        Admin, AttemptFilter, AttemptsPage, BlockedAddress, CodeView, LockedView, OutboxView, Overview,
        SubmissionDetail, SubmissionSummary,
    },
    error::AppError,
};

#[cfg(feature = "ssr")]
use crate::{
    domain::admin::{AdminFlash, Section},
    server::{admin, flows::admin as flow, request::Request},
};

#[server(endpoint = "admin/overview")]
pub async fn admin_overview() -> Result<Admin<Overview>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::overview(&req.state).await;
    flow::page(&req, Section::Overview, who, data).await
}

#[server(endpoint = "admin/codes")]
pub async fn admin_codes() -> Result<Admin<Vec<CodeView>>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::codes(&req.state).await;
    flow::page(&req, Section::Codes, who, data).await
}

/// Creates codes; they are shown once (the store keeps only their hash).
#[server(endpoint = "admin/codes/create")]
pub async fn create_codes(
    max_uses: String,
    expires_in: String,
    note: String,
    code: String,
    count: String,
) -> Result<Vec<String>, AppError> {
    let req = Request::current().await?;
    let who = flow::actor(&req).await?;
    let form = admin::CodeForm {
        max_uses: &max_uses,
        expires_in: &expires_in,
        note: &note,
        code: &code,
        count: &count,
    };
    let outcome = admin::create_codes(&req.state, &who.username, form).await;
    flow::done(&req, Section::Codes, outcome.map(|codes| (codes.clone(), AdminFlash::CodesCreated(codes))))
        .await
}

#[server(endpoint = "admin/codes/revoke")]
pub async fn revoke_code(id: i64) -> Result<(), AppError> {
    let req = Request::current().await?;
    let who = flow::actor(&req).await?;
    let outcome = admin::revoke_code(&req.state, &who.username, id).await;
    flow::done(&req, Section::Codes, outcome.map(|c| ((), AdminFlash::Done(format!("Code {c} revoked.")))))
        .await
}

#[server(endpoint = "admin/locked")]
pub async fn admin_locked() -> Result<Admin<LockedView>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::locked(&req.state).await;
    flow::page(&req, Section::Locked, who, data).await
}

/// Re-enables a locked account, clears its failures and alerts; the reason is required.
#[server(endpoint = "admin/locked/unlock")]
pub async fn unlock_account(username: String, reason: String) -> Result<(), AppError> {
    use crate::domain::{admin::Reason, Username};
    let req = Request::current().await?;
    let who = flow::actor(&req).await?;
    let outcome = match (Username::parse(&username), Reason::parse(&reason)) {
        (Ok(name), Ok(reason)) => crate::server::accounts::unlock(&req.state, &name, &who.username, &reason)
            .await
            .map(|()| ((), AdminFlash::Done(format!("{name} is unlocked and can sign in again.")))),
        (Err(m), _) => Err(admin::AdminError::Refused(m.to_string())),
        (_, Err(m)) => Err(admin::AdminError::Refused(m)),
    };
    flow::done(&req, Section::Locked, outcome).await
}

#[server(endpoint = "admin/addresses")]
pub async fn admin_addresses() -> Result<Admin<Vec<BlockedAddress>>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::blocked_addresses(&req.state).await;
    flow::page(&req, Section::Addresses, who, data).await
}

#[server(endpoint = "admin/addresses/lift")]
pub async fn lift_block(address: String) -> Result<(), AppError> {
    let req = Request::current().await?;
    let who = flow::actor(&req).await?;
    let outcome = admin::lift_block(&req.state, &who.username, &address).await;
    flow::done(
        &req,
        Section::Addresses,
        outcome.map(|a| ((), AdminFlash::Done(format!("The block on {a} is lifted.")))),
    )
    .await
}

#[server(endpoint = "admin/attempts")]
pub async fn admin_attempts(filter: AttemptFilter, page: u32) -> Result<Admin<AttemptsPage>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::attempts(&req.state, &filter, page).await;
    flow::page(&req, Section::Attempts, who, data).await
}

#[server(endpoint = "admin/submissions")]
pub async fn admin_submissions(page: u32) -> Result<Admin<Vec<SubmissionSummary>>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::submissions(&req.state, page).await;
    flow::page(&req, Section::Submissions, who, data).await
}

#[server(endpoint = "admin/submission")]
pub async fn admin_submission(id: i64) -> Result<Admin<SubmissionDetail>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::submission(&req.state, id).await;
    flow::page(&req, Section::Submissions, who, data).await
}

#[server(endpoint = "admin/outbox")]
pub async fn admin_outbox() -> Result<Admin<Vec<OutboxView>>, AppError> {
    let req = Request::current().await?;
    let who = flow::viewer(&req).await?;
    let data = admin::outbox(&req.state).await;
    flow::page(&req, Section::Outbox, who, data).await
}

#[server(endpoint = "admin/outbox/retry")]
pub async fn retry_delivery(id: i64) -> Result<(), AppError> {
    let req = Request::current().await?;
    let who = flow::actor(&req).await?;
    let outcome = admin::retry_delivery(&req.state, &who.username, id).await;
    flow::done(&req, Section::Outbox, outcome.map(|m| ((), AdminFlash::Done(m)))).await
}
