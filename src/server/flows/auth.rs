//! Signing in: parse, throttle (local directory), authenticate, start the session;
//! and the new-password step for accounts an administrator created in Cognito.

use crate::{
    domain::{Flash, Page, Password, Username},
    error::AppError,
    server::{
        directory::{AuthError, Identity, SignInStep},
        guard::{retry_after_secs, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_USER},
        request::{internal, Request},
        session::{self, Challenge, SessionUser},
        store::ThrottleState,
    },
};

/// Where the user goes after choosing a new password.
pub const NEW_PASSWORD_PAGE: &str = "/sign-in/new-password";

/// Signs in; returns where to go next.
pub async fn sign_in(req: &Request, username: &str, password: String) -> Result<&'static str, AppError> {
    let typed = username.chars().take(64).collect::<String>();
    let flash = |f: Flash| session::set_flash(&req.session, Page::SignIn, f);
    let (username, password) = match (Username::parse(username), Password::parse(password)) {
        (Ok(u), Ok(p)) => (u, p),
        (Err(m), _) | (_, Err(m)) => {
            flash(Flash::Invalid { message: m.into(), username: typed }).await?;
            return Err(AppError::BadInput(m.into()));
        }
    };
    let state = &req.state;
    let now = state.clock.now();
    let keys = [
        (format!("signin:user:{username}"), SIGN_IN_PER_USER),
        (format!("signin:addr:{}", req.client.address), SIGN_IN_PER_ADDRESS),
    ];
    // Cognito has its own lockout; the local directory is throttled here.
    let local = state.directory.is_local();
    if local {
        for (key, _) in &keys {
            if let ThrottleState::Blocked(until) =
                state.store.throttle_state(key, now).await.map_err(internal)?
            {
                let retry_after_secs = retry_after_secs(until, now);
                flash(Flash::SignInThrottled { username: typed, retry_after_secs }).await?;
                return Err(AppError::TooManyRequests { retry_after_secs });
            }
        }
    }
    let step = match state.directory.authenticate(&username, &password).await {
        Ok(step) => step,
        Err(AuthError::InvalidCredentials) => {
            if local {
                for (key, limit) in &keys {
                    state.store.throttle_failure(key, *limit, now).await.map_err(internal)?;
                }
            }
            tracing::info!(address = %req.client.address, "sign-in refused: invalid credentials");
            flash(Flash::SignInFailed { username: typed }).await?;
            return Err(AppError::InvalidCredentials);
        }
        Err(AuthError::Disabled) => return disabled(req, typed).await,
        Err(e) => return Err(internal(e)),
    };
    if local {
        state.store.throttle_clear(&keys[0].0).await.map_err(internal)?;
    }
    match step {
        SignInStep::Done(identity) => start(req, identity, typed).await,
        SignInStep::NewPasswordRequired { session } => {
            let challenge = Challenge { username: username.to_string(), session };
            session::set_challenge(&req.session, &challenge).await?;
            Ok(NEW_PASSWORD_PAGE)
        }
    }
}

/// Answers the new-password challenge; returns where to go next.
pub async fn set_new_password(
    req: &Request,
    new_password: String,
    confirm: String,
) -> Result<&'static str, AppError> {
    let Some(challenge) = session::challenge(&req.session).await? else {
        session::set_flash(&req.session, Page::SignIn, Flash::ChallengeExpired).await?;
        leptos_axum::redirect("/sign-in");
        return Err(AppError::SignedOut);
    };
    let refuse = |message: String| async {
        session::set_flash(
            &req.session,
            Page::NewPassword,
            Flash::PasswordRejected { message: message.clone() },
        )
        .await?;
        Err(AppError::BadInput(message))
    };
    if new_password != confirm {
        return refuse("The two passwords do not match.".into()).await;
    }
    let password = match Password::parse(new_password) {
        Ok(p) => p,
        Err(m) => return refuse(m.into()).await,
    };
    let username = Username::parse(&challenge.username).map_err(internal)?;
    match req.state.directory.complete_new_password(&username, &challenge.session, &password).await {
        Ok(identity) => {
            session::clear_challenge(&req.session).await?;
            start(req, identity, challenge.username).await
        }
        Err(AuthError::PasswordRejected(message)) => refuse(message).await,
        Err(AuthError::ChallengeExpired | AuthError::InvalidCredentials) => {
            session::clear_challenge(&req.session).await?;
            session::set_flash(&req.session, Page::SignIn, Flash::ChallengeExpired).await?;
            leptos_axum::redirect("/sign-in");
            Err(AppError::SignedOut)
        }
        Err(AuthError::Disabled) => disabled(req, challenge.username).await,
        Err(e) => Err(internal(e)),
    }
}

/// Starts the session for a verified identity, unless the account is locked here:
/// the lock takes effect before the directory hears of it.
async fn start(req: &Request, identity: Identity, typed: String) -> Result<&'static str, AppError> {
    let state = &req.state;
    let now = state.clock.now();
    state.store.ensure_account(&identity.subject, &identity.username, now).await.map_err(internal)?;
    let account = state
        .store
        .account(&identity.subject, state.policy.failure_cutoff(now))
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("account vanished after ensure_account"))?;
    if account.locked {
        return disabled(req, typed).await;
    }
    let user =
        SessionUser { subject: identity.subject, username: identity.username, is_admin: identity.is_admin };
    session::sign_in(&req.session, &user).await?;
    tracing::info!(subject = %user.subject, "signed in");
    Ok(match () {
        () if user.is_admin => "/admin",
        () if account.admitted => "/form",
        () => "/gate",
    })
}

async fn disabled(req: &Request, username: String) -> Result<&'static str, AppError> {
    session::set_flash(&req.session, Page::SignIn, Flash::AccountDisabled { username }).await?;
    Err(AppError::AccountDisabled)
}
