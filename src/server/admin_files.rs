//! The console's downloads that are not server functions: the audit trail as CSV and
//! a submission's photo. Administrators only, checked here as in every admin function.

use axum::{
    body::Body,
    extract::{Path, Query, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use tower_sessions::Session;

use super::{
    admin::{attempt_query, AdminError},
    audit_csv,
    request::error_response,
    session,
    state::AppState,
};
use crate::{domain::admin::AttemptFilter, error::AppError};

async fn is_admin(state: &AppState, session: &Session) -> bool {
    matches!(session::current(state, session).await, Ok(Some((user, _))) if user.is_admin)
}

fn forbidden() -> Response {
    error_response(StatusCode::FORBIDDEN, &AppError::Forbidden)
}

/// `GET /admin/attempts.csv?account=…&address=…&outcome=…&from=…&to=…`
pub async fn attempts_csv(
    State(state): State<AppState>,
    session: Session,
    Query(filter): Query<AttemptFilter>,
) -> Response {
    if !is_admin(&state, &session).await {
        return forbidden();
    }
    let q = match attempt_query(&filter) {
        Ok(q) => q,
        Err(AdminError::Refused(m)) => {
            return error_response(StatusCode::BAD_REQUEST, &AppError::BadInput(m))
        }
        Err(AdminError::Internal(_)) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let body = Body::from_stream(audit_csv::stream(state.store.clone(), q));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"attempts.csv\""),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `GET /admin/submissions/{id}/photo`: the stored bytes with their checked type.
pub async fn photo(State(state): State<AppState>, session: Session, Path(id): Path<String>) -> Response {
    if !is_admin(&state, &session).await {
        return forbidden();
    }
    let Ok(id) = id.parse::<i64>() else {
        return error_response(StatusCode::NOT_FOUND, &AppError::BadInput("There is no such photo.".into()));
    };
    match state.store.photo(id).await {
        Ok(Some((kind, bytes))) => {
            ([(header::CONTENT_TYPE, kind.as_str()), (header::CACHE_CONTROL, "private, no-store")], bytes)
                .into_response()
        }
        Ok(None) => {
            error_response(StatusCode::NOT_FOUND, &AppError::BadInput("There is no such photo.".into()))
        }
        Err(e) => {
            tracing::error!(error = %e, "photo could not be read");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
