//! Response headers that harden every page, and the same-origin check for server
//! function posts.

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::Response,
    Router,
};
use leptos::prelude::use_context;
use tower_http::set_header::SetResponseHeaderLayer;

/// For responses that are not pages (files, errors, server functions): nothing may run
/// or frame them.
const FALLBACK_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a rendered page: scripts only from this site or carrying this
/// response's nonce (Leptos puts it on its inline hydration scripts), WebAssembly
/// allowed to compile, nothing framing the page.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Called while a page renders: its CSP carries the nonce Leptos used.
pub fn set_page_csp() {
    let (Some(nonce), Some(opts)) =
        (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_csp(&nonce.to_string())) {
        opts.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Headers every response gets (unless the handler set them itself).
pub fn with_headers<S: Clone + Send + Sync + 'static>(router: Router<S>, secure: bool) -> Router<S> {
    let router = router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(FALLBACK_CSP),
        ));
    if secure {
        router.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    }
}

/// Refuses a POST whose `Origin` (or, lacking it, `Referer`) names another site:
/// another site's page must not be able to submit codes or forms with a user's cookie.
/// Requests with neither header do not come from a browser page and pass.
pub async fn same_origin(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && !same_site(req.headers()) {
        tracing::warn!(origin = ?req.headers().get(header::ORIGIN), "cross-site post refused");
        return super::request::bad_input_response(
            StatusCode::FORBIDDEN,
            "This form was sent from another site and has been refused.",
        );
    }
    next.run(req).await
}

fn same_site(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER));
    match source.and_then(|v| v.to_str().ok()) {
        None => true,
        Some(url) => url
            .parse::<axum::http::Uri>()
            .ok()
            .and_then(|uri| uri.authority().map(|a| a.as_str().eq_ignore_ascii_case(host)))
            .unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn same_origin_rules() {
        assert!(same_site(&headers(&[("host", "gate.example"), ("origin", "https://gate.example")])));
        assert!(same_site(&headers(&[("host", "127.0.0.1:3000"), ("origin", "http://127.0.0.1:3000")])));
        assert!(same_site(&headers(&[("host", "gate.example"), ("referer", "https://gate.example/gate")])));
        assert!(same_site(&headers(&[("host", "gate.example")])), "no browser page involved");
        assert!(!same_site(&headers(&[("host", "gate.example"), ("origin", "https://evil.example")])));
        assert!(!same_site(&headers(&[("host", "gate.example"), ("origin", "null")])));
        assert!(!same_site(&headers(&[
            ("host", "gate.example"),
            ("referer", "https://gate.example.evil.example/")
        ])));
        assert!(!same_site(&headers(&[("origin", "https://gate.example")])), "no host");
    }
}
