//! The administrators' console around its services: every function checks the role
//! itself, and each action leaves its outcome for the page it came from.

use crate::{
    domain::admin::{Admin, AdminFlash, Section},
    error::AppError,
    server::{
        admin::AdminError,
        request::{internal, Request},
        session::{self, SessionUser},
    },
};

/// The signed-in administrator; anyone else (signed out included) gets 403.
pub async fn require(req: &Request) -> Result<SessionUser, AppError> {
    match session::current(&req.state, &req.session).await {
        Ok(Some((user, _))) if user.is_admin && still_admin(req, &user).await? => Ok(user),
        Ok(_) | Err(AppError::AccountDisabled) => {
            tracing::warn!(address = %req.client.address, "admin function refused: not an administrator");
            Err(AppError::Forbidden)
        }
        Err(e) => Err(e),
    }
}

/// The role is read again from the local directory, so taking it away (`users add NAME`
/// without `--admin`) takes effect at once; Cognito's groups are read at sign-in.
async fn still_admin(req: &Request, user: &SessionUser) -> Result<bool, AppError> {
    if !req.state.directory.is_local() {
        return Ok(true);
    }
    let local = req.state.store.local_user(&user.username).await.map_err(internal)?;
    Ok(local.is_some_and(|u| u.is_admin && u.enabled))
}

/// What an administrator may see of a service's error.
fn shown(e: AdminError) -> AppError {
    match e {
        AdminError::Refused(message) => AppError::BadInput(message),
        AdminError::Internal(e) => internal(format!("{e:#}")),
    }
}

/// The administrator, for a function that loads a page's data (no redirects).
pub async fn viewer(req: &Request) -> Result<SessionUser, AppError> {
    require(req).await.map_err(|e| req.deny(e))
}

/// The administrator, for an action (a plain form post goes back to its page).
pub async fn actor(req: &Request) -> Result<SessionUser, AppError> {
    require(req).await.map_err(|e| req.fail(e))
}

/// A section's data for its page, with the section's flash.
pub async fn page<T>(
    req: &Request,
    section: Section,
    admin: SessionUser,
    data: Result<T, AdminError>,
) -> Result<Admin<T>, AppError> {
    let data = data.map_err(|e| req.deny(shown(e)))?;
    let flash = session::take_admin_flash(&req.session, section).await.map_err(|e| req.deny(e))?;
    Ok(Admin { admin: admin.username, flash, data })
}

/// Leaves an action's outcome (or why it was refused) for the section's page, so
/// both ways of posting show the same.
pub async fn done<T>(
    req: &Request,
    section: Section,
    outcome: Result<(T, AdminFlash), AdminError>,
) -> Result<T, AppError> {
    match outcome {
        Ok((value, flash)) => {
            session::set_admin_flash(&req.session, section, flash).await.map_err(|e| req.fail(e))?;
            Ok(value)
        }
        Err(AdminError::Refused(message)) => {
            session::set_admin_flash(&req.session, section, AdminFlash::Refused(message.clone()))
                .await
                .map_err(|e| req.fail(e))?;
            Err(req.fail(AppError::BadInput(message)))
        }
        Err(e) => Err(req.fail(shown(e))),
    }
}
