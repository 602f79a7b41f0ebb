//! `/` on a full page load: an HTTP redirect to the user's page. There is nothing to
//! render, so no page is (the hydrated app's own `HomePage` serves navigations inside
//! the browser). A rendered page whose only content was `<Redirect>` was once answered
//! 302 without its Location header (see the notes on issue 6); this path has no render.

use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use super::{request::error_response, session, state::AppState};
use crate::{domain::UserView, error::AppError, pages::landing};

pub async fn home(State(state): State<AppState>, session: Session) -> Response {
    let user = match session::current(&state, &session).await {
        Ok(current) => current.map(|(user, account)| UserView {
            username: user.username,
            admitted: account.admitted,
            is_admin: user.is_admin,
            failures: account.failures,
        }),
        // Signed out here; the sign-in page says why.
        Err(AppError::AccountDisabled) => None,
        Err(e) => return error_response(StatusCode::INTERNAL_SERVER_ERROR, &e),
    };
    (StatusCode::FOUND, [(header::LOCATION, landing(user.as_ref()))]).into_response()
}
