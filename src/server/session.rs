//! The session (tower-sessions): who is signed in, the session's own failure count,
//! and one flash message per page. The account's state always comes from the store,
//! so a lock is effective on every session at its next request.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{request::internal, state::AppState, store::AccountState};
use crate::{
    domain::{
        admin::{AdminFlash, Section},
        Flash, Page,
    },
    error::AppError,
};

const USER: &str = "user";
const SESSION_FAILURES: &str = "gate.failures";
const CHALLENGE: &str = "challenge";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionUser {
    pub subject: String,
    pub username: String,
    pub is_admin: bool,
}

pub async fn sign_in(session: &Session, user: &SessionUser) -> Result<(), AppError> {
    // A new id at sign-in, so an id planted before sign-in is worthless afterwards.
    session.cycle_id().await.map_err(internal)?;
    session.remove::<u32>(SESSION_FAILURES).await.map_err(internal)?;
    session.insert(USER, user).await.map_err(internal)
}

/// Ends the signed-in part of the session; a new id keeps the flash slots usable.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.remove::<SessionUser>(USER).await.map_err(internal)?;
    session.remove::<u32>(SESSION_FAILURES).await.map_err(internal)?;
    session.cycle_id().await.map_err(internal)
}

/// A pending new-password challenge (Cognito), between sign-in and the new password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Challenge {
    pub username: String,
    pub session: String,
}

pub async fn set_challenge(session: &Session, challenge: &Challenge) -> Result<(), AppError> {
    session.insert(CHALLENGE, challenge).await.map_err(internal)
}

pub async fn challenge(session: &Session) -> Result<Option<Challenge>, AppError> {
    session.get(CHALLENGE).await.map_err(internal)
}

pub async fn clear_challenge(session: &Session) -> Result<(), AppError> {
    session.remove::<Challenge>(CHALLENGE).await.map_err(internal).map(|_| ())
}

pub async fn set_flash(session: &Session, page: Page, flash: Flash) -> Result<(), AppError> {
    session.insert(page.flash_key(), flash).await.map_err(internal)
}

pub async fn take_flash(session: &Session, page: Page) -> Result<Option<Flash>, AppError> {
    session.remove(page.flash_key()).await.map_err(internal)
}

pub async fn set_admin_flash(session: &Session, section: Section, flash: AdminFlash) -> Result<(), AppError> {
    session.insert(section.flash_key(), flash).await.map_err(internal)
}

pub async fn take_admin_flash(session: &Session, section: Section) -> Result<Option<AdminFlash>, AppError> {
    session.remove(section.flash_key()).await.map_err(internal)
}

pub async fn count_session_failure(session: &Session) -> Result<u32, AppError> {
    let n = session.get::<u32>(SESSION_FAILURES).await.map_err(internal)?.unwrap_or(0) + 1;
    session.insert(SESSION_FAILURES, n).await.map_err(internal)?;
    Ok(n)
}

/// Who the session says is signed in, without checking the account.
pub async fn user(session: &Session) -> Result<Option<SessionUser>, AppError> {
    session.get::<SessionUser>(USER).await.map_err(internal)
}

/// The signed-in user and their account, or `None` when signed out. A locked account
/// ends the session here, whichever session it is.
pub async fn current(
    state: &AppState,
    session: &Session,
) -> Result<Option<(SessionUser, AccountState)>, AppError> {
    let Some(user) = session.get::<SessionUser>(USER).await.map_err(internal)? else {
        return Ok(None);
    };
    let now = state.clock.now();
    let account =
        state.store.account(&user.subject, state.policy.failure_cutoff(now)).await.map_err(internal)?;
    match account {
        Some(account) if !account.locked => Ok(Some((user, account))),
        _ => {
            sign_out(session).await?;
            set_flash(session, Page::SignIn, Flash::AccountDisabled { username: user.username }).await?;
            Err(AppError::AccountDisabled)
        }
    }
}

/// Like [`current`], but signed-out is an error (for server functions).
pub async fn require(state: &AppState, session: &Session) -> Result<(SessionUser, AccountState), AppError> {
    current(state, session).await?.ok_or(AppError::SignedOut)
}
