use leptos::prelude::*;

use crate::error::AppError;

#[server(endpoint = "auth/sign-in")]
pub async fn sign_in(username: String, password: String) -> Result<(), AppError> {
    use crate::server::{flows::auth, request::Request};
    let req = Request::current().await?;
    match auth::sign_in(&req, &username, password).await {
        Ok(destination) => {
            leptos_axum::redirect(destination);
            Ok(())
        }
        Err(e) => Err(req.fail(e)),
    }
}

/// The new-password step for accounts an administrator created (Cognito).
#[server(endpoint = "auth/new-password")]
pub async fn set_new_password(new_password: String, confirm: String) -> Result<(), AppError> {
    use crate::server::{flows::auth, request::Request};
    let req = Request::current().await?;
    match auth::set_new_password(&req, new_password, confirm).await {
        Ok(destination) => {
            leptos_axum::redirect(destination);
            Ok(())
        }
        Err(e) => Err(req.fail(e)),
    }
}

#[server(endpoint = "auth/sign-out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::{
        domain::{Flash, Page},
        server::{request::Request, session},
    };
    let req = Request::current().await?;
    session::sign_out(&req.session).await.map_err(|e| req.fail(e))?;
    session::set_flash(&req.session, Page::SignIn, Flash::SignedOut).await.map_err(|e| req.fail(e))?;
    leptos_axum::redirect("/sign-in");
    Ok(())
}
