//! What a server function needs from its request: the state, the session, the
//! client, and how to answer with an error (status for scripts, redirect for forms).

use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use leptos::prelude::{expect_context, use_context};
use leptos_axum::ResponseOptions;
use tower_sessions::Session;

use super::{client::ClientInfo, startup::INTERNAL_ERROR_HEADER, state::AppState};
use crate::error::AppError;

pub struct Request {
    pub state: AppState,
    pub session: Session,
    pub client: ClientInfo,
    parts: Parts,
}

impl Request {
    pub async fn current() -> Result<Self, AppError> {
        let state = use_context::<AppState>().ok_or_else(|| internal("no AppState in context"))?;
        let parts = use_context::<Parts>().ok_or_else(|| internal("no request parts in context"))?;
        let session: Session = leptos_axum::extract().await.map_err(internal)?;
        let client = ClientInfo::from_parts(&parts, &state.trusted_proxies);
        Ok(Self { state, session, client, parts })
    }

    /// A plain (no-JavaScript) form post: the browser wants a page back, so errors end
    /// in the usual redirect and the page shows the stored flash instead.
    pub fn wants_html(&self) -> bool {
        self.parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    }

    /// Sends `err` with its status to script callers (form posts keep their redirect).
    pub fn fail(&self, err: AppError) -> AppError {
        let opts = expect_context::<ResponseOptions>();
        if let AppError::TooManyRequests { retry_after_secs } = err {
            set_retry_after(&opts, retry_after_secs);
        }
        if err == AppError::Internal {
            opts.insert_header(
                header::HeaderName::from_static(INTERNAL_ERROR_HEADER),
                HeaderValue::from_static("1"),
            );
        }
        if self.wants_html() {
            // Back to the page the form was on, without the framework's `__err` query:
            // the page shows the stored flash instead.
            let redirected = opts.0.read().map(|p| p.headers.contains_key(header::LOCATION)).unwrap_or(true);
            if !redirected {
                leptos_axum::redirect(&self.referer_path());
            }
        } else {
            opts.set_status(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST));
        }
        err
    }

    /// The path of the Referer (never another site), or `/`.
    fn referer_path(&self) -> String {
        self.parts
            .headers
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| r.parse::<axum::http::Uri>().ok())
            .map(|uri| uri.path().to_owned())
            .filter(|p| p.starts_with('/') && !p.starts_with("//"))
            .unwrap_or_else(|| "/".into())
    }
}

impl Request {
    /// Like [`Request::fail`] but never redirects: for functions that load a page's
    /// data, where the page itself answers with the status and shows the message.
    pub fn deny(&self, err: AppError) -> AppError {
        let opts = expect_context::<ResponseOptions>();
        if err == AppError::Internal {
            opts.insert_header(
                header::HeaderName::from_static(INTERNAL_ERROR_HEADER),
                HeaderValue::from_static("1"),
            );
        }
        opts.set_status(StatusCode::from_u16(err.status()).unwrap_or(StatusCode::BAD_REQUEST));
        err
    }
}

/// An error answered before a server function runs, in the same JSON shape.
pub fn bad_input_response(status: StatusCode, message: &str) -> axum::response::Response {
    error_response(status, &AppError::BadInput(message.into()))
}

pub fn error_response(status: StatusCode, err: &AppError) -> axum::response::Response {
    use axum::response::IntoResponse;
    let body = serde_json::to_string(err).unwrap_or_default();
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn set_retry_after(opts: &ResponseOptions, secs: u64) {
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        opts.insert_header(header::RETRY_AFTER, v);
    }
}

/// Logs an internal failure; the user sees only a generic message.
pub fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "internal error");
    AppError::Internal
}

impl Request {
    /// A page rendered for a blocked address answers 429 with Retry-After, like the
    /// server function that refused the code.
    pub fn page_status(&self, flash: Option<&crate::domain::Flash>) {
        if let Some(crate::domain::Flash::AddressBlocked { retry_after_secs }) = flash {
            if self.wants_html() {
                let opts = expect_context::<ResponseOptions>();
                opts.set_status(StatusCode::TOO_MANY_REQUESTS);
                set_retry_after(&opts, *retry_after_secs);
            }
        }
    }
}
