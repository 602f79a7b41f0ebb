//! The site's files (wasm, js, css, public files). With the `embed` feature they are
//! compiled into the binary, so it runs alone in an empty folder; otherwise they are
//! read from the site folder cargo-leptos writes.

use axum::{
    body::Body,
    extract::{Request, State},
    response::Response,
};

use super::state::AppState;

#[cfg(feature = "embed")]
#[derive(rust_embed::RustEmbed)]
#[folder = "target/site"]
struct Site;

/// Serves a file of the site, or (for anything else) the app's own 404 page.
pub async fn serve(state: State<AppState>, req: Request<Body>) -> Response {
    #[cfg(feature = "embed")]
    if let Some(res) = embedded(&req) {
        return res;
    }
    let ctx_state = state.0.clone();
    let fallback = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        move || {
            leptos::prelude::provide_context(ctx_state.clone());
            leptos::nonce::provide_nonce();
        },
        crate::app::shell,
    );
    fallback(req.uri().clone(), state, req).await
}

/// An embedded file with its content type and an ETag (the content's hash), so
/// browsers revalidate cheaply; `304` when they already have it.
#[cfg(feature = "embed")]
fn embedded(req: &Request<Body>) -> Option<Response> {
    use axum::{
        http::{header, HeaderValue, StatusCode},
        response::IntoResponse,
    };
    let path = req.uri().path().trim_start_matches('/');
    let file = Site::get(path)?;
    let etag = format!("\"{}\"", hex::encode(file.metadata.sha256_hash()));
    let fresh = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str());
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (StatusCode::OK, file.data.into_owned()).into_response()
    };
    let headers = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(file.metadata.mimetype()) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, no-cache"));
    Some(res)
}
