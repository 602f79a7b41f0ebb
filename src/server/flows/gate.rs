//! Submitting a referral code: the session and page side of the gate service.

use crate::{
    domain::{Flash, GateOutcome, Page, ReferralCode},
    error::AppError,
    server::{
        gate::{self, Refusal},
        request::{internal, Request},
        session,
    },
};

pub async fn submit(req: &Request, code: &str) -> Result<GateOutcome, AppError> {
    let code = match ReferralCode::parse(code) {
        Ok(code) => code,
        Err(e) => return malformed(req, e.to_string()).await,
    };
    let user = session::user(&req.session).await?.ok_or(AppError::SignedOut)?;
    // The account's standing (locked, admitted) is read in the attempt's transaction.
    let outcome = gate::submit(&req.state, &user, &req.client, &code).await.map_err(internal)?;
    match outcome {
        Ok(GateOutcome::Admitted) => {
            session::set_flash(&req.session, Page::Form, Flash::CodeAccepted).await?;
            leptos_axum::redirect("/form");
            Ok(GateOutcome::Admitted)
        }
        Ok(rejected @ GateOutcome::Rejected { failures, max_retries }) => {
            session::count_session_failure(&req.session).await?;
            session::set_flash(&req.session, Page::Gate, Flash::CodeRejected { failures, max_retries })
                .await?;
            Ok(rejected)
        }
        Ok(GateOutcome::Locked) => {
            session::sign_out(&req.session).await?;
            session::set_flash(&req.session, Page::SignIn, Flash::Locked).await?;
            leptos_axum::redirect("/sign-in");
            Ok(GateOutcome::Locked)
        }
        Ok(dry_run @ GateOutcome::DryRunLocked { .. }) => {
            session::count_session_failure(&req.session).await?;
            session::set_flash(&req.session, Page::Gate, Flash::DryRunLocked).await?;
            Ok(dry_run)
        }
        Err(Refusal::AddressBlocked { retry_after_secs }) => {
            session::set_flash(&req.session, Page::Gate, Flash::AddressBlocked { retry_after_secs }).await?;
            Err(AppError::TooManyRequests { retry_after_secs })
        }
        Err(Refusal::AlreadyAdmitted) => {
            leptos_axum::redirect("/form");
            Ok(GateOutcome::Admitted)
        }
        Err(Refusal::AccountLocked) => {
            session::sign_out(&req.session).await?;
            session::set_flash(
                &req.session,
                Page::SignIn,
                Flash::AccountDisabled { username: user.username },
            )
            .await?;
            leptos_axum::redirect("/sign-in");
            Err(AppError::AccountDisabled)
        }
    }
}

/// A code that is not even well-formed is not an attempt; the message goes to the gate,
/// unless the gate is no longer the user's page.
async fn malformed(req: &Request, message: String) -> Result<GateOutcome, AppError> {
    let claimed = session::user(&req.session).await?;
    let (_, account) = match session::require(&req.state, &req.session).await {
        Err(AppError::AccountDisabled) => {
            // A session of a locked account: refused before the gate, but still an
            // attempt, so the audit trail shows it.
            if let Some(user) = claimed {
                gate::refused_locked(&req.state, &user.subject, &req.client).await.map_err(internal)?;
            }
            leptos_axum::redirect("/sign-in");
            return Err(AppError::AccountDisabled);
        }
        other => other?,
    };
    if account.admitted {
        leptos_axum::redirect("/form");
        return Ok(GateOutcome::Admitted);
    }
    session::set_flash(&req.session, Page::Gate, Flash::CodeMalformed { message: message.clone() }).await?;
    Err(AppError::BadInput(message))
}
