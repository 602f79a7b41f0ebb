//! Prometheus metrics at `/metrics`: attempts by outcome, lockouts, blocked addresses,
//! outbox depth and delivery failures, request latency.

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::state::AppState;

pub const ATTEMPTS: &str = "referral_gate_attempts_total";
pub const LOCKOUTS: &str = "referral_gate_lockouts_total";
pub const ADDRESSES_BLOCKED: &str = "referral_gate_addresses_blocked_total";
pub const DELIVERY_FAILURES: &str = "referral_gate_delivery_failures_total";
const OUTBOX_DEPTH: &str = "referral_gate_outbox_depth";
const REQUEST_SECONDS: &str = "referral_gate_http_request_duration_seconds";

/// The process-wide recorder (installed once, however many apps a process starts).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full(REQUEST_SECONDS.into()),
                &[0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
            )
            .expect("valid buckets")
            .install_recorder()
            .expect("one metrics recorder per process")
    })
}

pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    if let Ok(depth) = state.store.outbox_depth().await {
        metrics::gauge!(OUTBOX_DEPTH).set(depth as f64);
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle().render())
}

/// Times every request, labelled by route kind (not by path, to keep labels few).
pub async fn track(req: Request, next: Next) -> Response {
    let kind = match req.uri().path() {
        p if p.starts_with("/api/") => "api",
        p if p.starts_with("/pkg/") => "asset",
        _ => "page",
    };
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::histogram!(REQUEST_SECONDS, "kind" => kind, "method" => method, "status" => status)
        .record(start.elapsed().as_secs_f64());
    res
}
