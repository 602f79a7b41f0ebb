//! Wiring: state from settings, the router, the listener.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, AxumRouteListing, LeptosRoutes};
use sqlx::postgres::PgPool;
use tower_http::{
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::session_store::{ExpiredDeletion, SessionStore};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

use super::{
    alerts::{Alerts, LogAlerts, SnsAlerts},
    clock::SystemClock,
    config::Settings,
    directory::{CognitoDirectory, Directory, LocalDirectory},
    outbox::Outbox,
    secret::Secret,
    security,
    session_store::SqliteSessions,
    state::AppState,
    store::{Backend, Store},
};
use crate::app::{
    admin_app::{shell as admin_shell, AdminApp},
    shell, App,
};

/// Header our own internal errors carry, so the API middleware can tell them from
/// the framework's "could not decode the request" errors (both arrive as 500).
pub const INTERNAL_ERROR_HEADER: &str = "x-referral-gate-internal";
const FORM_BODY_LIMIT: usize = crate::domain::MAX_PHOTO_BYTES + 256 * 1024;
const API_BODY_LIMIT: usize = 64 * 1024;

/// Builds the state every command needs: the store (migrated), the secret, the ports.
pub async fn build_state(settings: &Settings) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&settings.data_dir)
        .map_err(|e| anyhow::anyhow!("cannot create data folder {}: {e}", settings.data_dir.display()))?;
    let store = Store::connect(&settings.database_url()).await?;
    let secret = Secret::load(settings.secret.as_deref(), &settings.data_dir)?;
    let aws = match settings.cognito().is_some() || settings.sns_topic_arn.is_some() {
        true => Some(aws_config(settings).await),
        false => None,
    };
    let directory: Arc<dyn Directory> = match (settings.cognito(), &aws) {
        (Some(cognito), Some(sdk)) => CognitoDirectory::new(sdk, cognito)?,
        _ => LocalDirectory::new(store.clone()),
    };
    let alerts: Arc<dyn Alerts> = match (&settings.sns_topic_arn, &aws) {
        (Some(arn), Some(sdk)) => SnsAlerts::new(sdk, arn.clone()),
        _ => LogAlerts::new(store.clone()),
    };
    let clock = Arc::new(SystemClock);
    let outbox = Outbox::new(store.clone(), directory.clone(), alerts.clone(), clock.clone());
    let leptos_options = LeptosOptions::builder()
        .output_name("referral-gate")
        .site_root(settings.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(settings.site_addr)
        .build();
    Ok(AppState {
        leptos_options,
        store,
        directory,
        alerts,
        clock,
        outbox,
        policy: settings.policy(),
        secret,
        contact: settings.contact.clone(),
        trusted_proxies: Arc::new(settings.trusted_proxies.clone()),
        instance: format!(
            "{}:{}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "referral-gate".into()),
            std::process::id()
        ),
    })
}

/// The AWS SDK's configuration: the standard chain (region, credentials, endpoint),
/// with both timeouts set so an endpoint that accepts and never answers cannot hang a
/// request, and few retries (the outbox retries on its own schedule).
async fn aws_config(settings: &Settings) -> aws_config::SdkConfig {
    use aws_config::{retry::RetryConfig, timeout::TimeoutConfig, BehaviorVersion};
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(Duration::from_secs(4))
                .operation_timeout(Duration::from_secs(10))
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(2));
    if let Some(url) = &settings.aws_endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

pub struct Application {
    listener: tokio::net::TcpListener,
    router: Router,
    state: AppState,
}

impl Application {
    pub async fn build(settings: &Settings) -> anyhow::Result<Self> {
        super::metrics::handle();
        let state = build_state(settings).await?;
        let router = router(state.clone(), settings).await?;
        let listener = tokio::net::TcpListener::bind(settings.site_addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.site_addr))?;
        Ok(Self { listener, router, state })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM; the outbox worker runs beside it.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        // Ends with the server, also when this future is dropped rather than finished.
        let mut worker = AbortOnDrop(tokio::spawn(self.state.outbox.clone().run(stopped)));
        tracing::info!(address = %self.listener.local_addr()?, "referral-gate listening");
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        // Requests are finished; let the worker finish the delivery it is making.
        let _ = stop.send(true);
        if tokio::time::timeout(Duration::from_secs(15), &mut worker.0).await.is_err() {
            tracing::warn!("outbox worker still busy after 15 s; its rows wait for their lease");
        }
        Ok(())
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn router(state: AppState, settings: &Settings) -> anyhow::Result<Router> {
    let (routes, admin_routes) = route_lists().clone();
    let api = Router::new()
        .route("/api/form/submit", post(server_fn_handler).layer(RequestBodyLimitLayer::new(FORM_BODY_LIMIT)))
        .route("/api/{*fn_name}", post(server_fn_handler).layer(RequestBodyLimitLayer::new(API_BODY_LIMIT)))
        .layer(middleware::from_fn(api_errors));

    // Pages get the state through context; server functions are routed above, with
    // their own body limits and error mapping.
    let pages = {
        let ctx_state = state.clone();
        let options = state.leptos_options.clone();
        leptos_axum::render_route_with_context::<AppState, _>(
            routes.clone(),
            move || {
                provide_context(ctx_state.clone());
                leptos::nonce::provide_nonce();
            },
            move || shell(options.clone()),
        )
    };
    let admin_pages = {
        let ctx_state = state.clone();
        leptos_axum::render_route_with_context::<AppState, _>(
            admin_routes.clone(),
            move || {
                provide_context(ctx_state.clone());
                leptos::nonce::provide_nonce();
            },
            admin_shell,
        )
    };
    let app = Router::new()
        .merge(api)
        .route("/", get(super::home::home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(super::metrics::render))
        .route("/admin/attempts.csv", get(super::admin_files::attempts_csv))
        .route("/admin/submissions/{id}/photo", get(super::admin_files::photo))
        .leptos_routes_with_handler(routes, pages)
        .leptos_routes_with_handler(admin_routes, admin_pages)
        .fallback(super::assets::serve);
    let url = settings.database_url();
    let app = match state.store.backend() {
        Backend::Sqlite => {
            // Sessions get a database file of their own: SQLite locks a whole file, and
            // the app's writes would otherwise wait on the session writes (see Store).
            // On a writer thread of its own (see `session_store`).
            let store = SqliteSessions::open(&settings.data_dir.join("sessions.db"))?;
            with_sessions(app, store, settings).await?
        }
        Backend::Postgres => {
            let store = PostgresStore::new(PgPool::connect(&url).await?)
                .with_table_name("sessions")
                .map_err(anyhow::Error::msg)?;
            with_sessions(app, store, settings).await?
        }
    };
    let app = app
        .layer(CompressionLayer::new())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<Body>| {
            // The path only: queries and bodies (codes, passwords) never reach the logs.
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id, method = %req.method(), path = req.uri().path())
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(security::same_origin))
        .layer(middleware::from_fn(super::metrics::track));
    Ok(security::with_headers(app, settings.secure_cookies).with_state(state))
}

/// The route lists of the app and of the console, generated once per process.
/// Generating one suppresses resource loading process-wide for a moment
/// (leptos-rs/leptos#4773): a page of another app in the same process that starts
/// rendering then never finishes. Production builds one app, before serving; the tests
/// start many apps side by side, and hung now and then until this was shared.
fn route_lists() -> &'static (Vec<AxumRouteListing>, Vec<AxumRouteListing>) {
    static LISTS: std::sync::OnceLock<(Vec<AxumRouteListing>, Vec<AxumRouteListing>)> =
        std::sync::OnceLock::new();
    LISTS.get_or_init(|| {
        // The hydrated app's routes, without the console's handover routes: the
        // console is its own server-rendered app on those paths.
        // Nor `/`, answered with a plain redirect (see `home`).
        let app = generate_route_list(App)
            .into_iter()
            .filter(|r| !r.path().starts_with("/admin") && r.path() != "/")
            .collect();
        (app, generate_route_list(AdminApp))
    })
}

/// Sessions in the app's own database (so they survive restarts and are shared by
/// instances), with HttpOnly, SameSite=Lax cookies, Secure when configured.
async fn with_sessions<S>(
    app: Router<AppState>,
    store: S,
    settings: &Settings,
) -> anyhow::Result<Router<AppState>>
where
    S: SessionStore + ExpiredDeletion + Clone + SessionMigrate,
{
    store.migrate_sessions().await?;
    tokio::spawn(store.clone().continuously_delete_expired(Duration::from_secs(300)));
    let layer = SessionManagerLayer::new(store)
        .with_name("referral_gate_session")
        .with_secure(settings.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));
    Ok(app.layer(layer))
}

/// Both session stores create their table with an inherent `migrate`.
trait SessionMigrate {
    async fn migrate_sessions(&self) -> anyhow::Result<()>;
}

impl SessionMigrate for SqliteSessions {
    async fn migrate_sessions(&self) -> anyhow::Result<()> {
        self.migrate().await
    }
}

impl SessionMigrate for PostgresStore {
    async fn migrate_sessions(&self) -> anyhow::Result<()> {
        Ok(self.migrate().await?)
    }
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    handle_server_fns_with_context(move || provide_context(state.clone()), req).await
}

/// Ready when the database answers, the outbox worker is running and the directory
/// answers; the body says what is missing.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let mut missing = Vec::new();
    if !state.store.ping().await {
        missing.push("database unreachable");
    }
    if !state.outbox.worker_alive() {
        missing.push("outbox worker not running");
    }
    if !state.directory.reachable().await {
        missing.push("directory unreachable");
    }
    if missing.is_empty() {
        (StatusCode::OK, "ready".to_owned())
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, missing.join("; "))
    }
}

/// Keeps user input from ever producing a 5xx: the framework answers 500 when a
/// request's arguments cannot be decoded; those are the client's fault (400). A
/// multipart call without a readable boundary is refused before it reaches the
/// decoder (which would panic on it).
async fn api_errors(req: Request, next: Next) -> Response {
    if req.uri().path() == "/api/form/submit" {
        let boundary = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|ct| multer::parse_boundary(ct).ok());
        if boundary.is_none() {
            return super::request::bad_input_response(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "The form must be sent as multipart/form-data.",
            );
        }
    }
    let mut res = next.run(req).await;
    let internal = res.headers_mut().remove(INTERNAL_ERROR_HEADER).is_some();
    if res.status() == StatusCode::INTERNAL_SERVER_ERROR && !internal {
        *res.status_mut() = StatusCode::BAD_REQUEST;
    }
    res
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
