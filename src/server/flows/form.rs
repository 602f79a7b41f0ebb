//! The protected form: admitted accounts only, checked here on every call.

use crate::{
    domain::{Flash, Page, Receipt},
    error::AppError,
    server::{
        request::{internal, Request},
        session,
        store::AccountState,
        submissions,
    },
};

async fn admitted(req: &Request) -> Result<AccountState, AppError> {
    match session::require(&req.state, &req.session).await {
        Ok((_, account)) if account.admitted => Ok(account),
        Ok(_) => {
            leptos_axum::redirect("/gate");
            Err(AppError::NotAdmitted)
        }
        Err(e) => {
            leptos_axum::redirect("/sign-in");
            Err(e)
        }
    }
}

pub async fn submit(req: &Request, multipart: multer::Multipart<'static>) -> Result<Receipt, AppError> {
    let account = admitted(req).await?;
    let submission = match submissions::read(multipart).await {
        Ok(s) => s,
        Err(refused) => {
            let message = refused.message.clone();
            session::set_flash(
                &req.session,
                Page::Form,
                Flash::FormRejected { message: refused.message, draft: refused.draft },
            )
            .await?;
            return Err(AppError::BadInput(message));
        }
    };
    let receipt = submissions::store(&req.state.store, &account.subject, &submission, req.state.clock.now())
        .await
        .map_err(internal)?;
    tracing::info!(subject = %account.subject, id = receipt.id, "form received");
    leptos_axum::redirect("/form/received");
    Ok(receipt)
}

pub async fn latest(req: &Request) -> Result<Option<Receipt>, AppError> {
    let account = admitted(req).await?;
    submissions::latest(&req.state.store, &account.subject).await.map_err(internal)
}
