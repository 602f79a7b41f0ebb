use leptos::prelude::*;

use crate::{
    domain::{Page, Snapshot},
    error::AppError,
};

/// What `page` needs to render: the user, the account's count, the page's flash.
#[server(endpoint = "session/snapshot")]
pub async fn get_snapshot(page: Page) -> Result<Snapshot, AppError> {
    use crate::server::{request::Request, session};
    let req = Request::current().await?;
    let current = match session::current(&req.state, &req.session).await {
        Ok(current) => current,
        Err(AppError::AccountDisabled) => None, // signed out; the sign-in page says why
        Err(e) => return Err(req.fail(e)),
    };
    let flash = session::take_flash(&req.session, page).await.map_err(|e| req.fail(e))?;
    req.page_status(flash.as_ref());
    let new_password_for =
        session::challenge(&req.session).await.map_err(|e| req.fail(e))?.map(|c| c.username);
    Ok(Snapshot {
        user: current.map(|(user, account)| crate::domain::UserView {
            username: user.username,
            admitted: account.admitted,
            is_admin: user.is_admin,
            failures: account.failures,
        }),
        new_password_for,
        flash,
        max_retries: req.state.policy.max_retries,
        contact: req.state.contact.clone(),
    })
}
