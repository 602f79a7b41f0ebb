//! Signing in: parse, throttle (local directory), authenticate, start the session.

use crate::{
    domain::{Flash, Page, Password, Username},
    error::AppError,
    server::{
        directory::AuthError,
        guard::{retry_after_secs, SIGN_IN_PER_ADDRESS, SIGN_IN_PER_USER},
        request::{internal, Request},
        session::{self, SessionUser},
        store::ThrottleState,
    },
};

/// Signs in; returns where to go next.
pub async fn sign_in(
    req: &Request,
    username: &str,
    password: String,
) -> Result<&'static str, AppError> {
    let typed = username.chars().take(64).collect::<String>();
    let flash = |f: Flash| session::set_flash(&req.session, Page::SignIn, f);
    let (username, password) = match (Username::parse(username), Password::parse(password)) {
        (Ok(u), Ok(p)) => (u, p),
        (Err(m), _) | (_, Err(m)) => {
            flash(Flash::Invalid {
                message: m.into(),
                username: typed,
            })
            .await?;
            return Err(AppError::BadInput(m.into()));
        }
    };
    let state = &req.state;
    let now = state.clock.now();
    let keys = [
        (format!("signin:user:{username}"), SIGN_IN_PER_USER),
        (
            format!("signin:addr:{}", req.client.address),
            SIGN_IN_PER_ADDRESS,
        ),
    ];
    let local = state.directory.is_local();
    if local {
        for (key, _) in &keys {
            if let ThrottleState::Blocked(until) = state
                .store
                .throttle_state(key, now)
                .await
                .map_err(internal)?
            {
                let retry_after_secs = retry_after_secs(until, now);
                flash(Flash::SignInThrottled {
                    username: typed,
                    retry_after_secs,
                })
                .await?;
                return Err(AppError::TooManyRequests { retry_after_secs });
            }
        }
    }
    let identity = match state.directory.authenticate(&username, &password).await {
        Ok(identity) => identity,
        Err(AuthError::InvalidCredentials) => {
            if local {
                for (key, limit) in &keys {
                    state
                        .store
                        .throttle_failure(key, *limit, now)
                        .await
                        .map_err(internal)?;
                }
            }
            tracing::info!(address = %req.client.address, "sign-in refused: invalid credentials");
            flash(Flash::SignInFailed { username: typed }).await?;
            return Err(AppError::InvalidCredentials);
        }
        Err(AuthError::Disabled) => return disabled(req, typed).await,
        Err(AuthError::Unavailable(e)) => return Err(internal(e)),
    };
    state
        .store
        .ensure_account(&identity.subject, &identity.username, now)
        .await
        .map_err(internal)?;
    let account = state
        .store
        .account(&identity.subject, state.policy.failure_cutoff(now))
        .await
        .map_err(internal)?
        .ok_or_else(|| internal("account vanished after ensure_account"))?;
    // The lock takes effect before the directory hears of it.
    if account.locked {
        return disabled(req, typed).await;
    }
    if local {
        state
            .store
            .throttle_clear(&keys[0].0)
            .await
            .map_err(internal)?;
    }
    let user = SessionUser {
        subject: identity.subject,
        username: identity.username,
        is_admin: identity.is_admin,
    };
    session::sign_in(&req.session, &user).await?;
    tracing::info!(subject = %user.subject, "signed in");
    Ok(if account.admitted { "/form" } else { "/gate" })
}

async fn disabled(req: &Request, username: String) -> Result<&'static str, AppError> {
    session::set_flash(
        &req.session,
        Page::SignIn,
        Flash::AccountDisabled { username },
    )
    .await?;
    Err(AppError::AccountDisabled)
}
