//! Spawns the real server on a free port with a temporary data folder, and talks to it
//! over HTTP like a browser would (cookies kept, redirects not followed).
#![allow(dead_code)]

pub mod moto;

use clap::Parser;
use referral_gate::{
    domain::{Password, ReferralCode},
    server::{
        cli::Cli,
        codes::{self, CodeSpec},
        directory::local::hash_password,
        startup::Application,
        state::AppState,
    },
};
use reqwest::{header, redirect::Policy, Client, Response, StatusCode};

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub data_dir: std::path::PathBuf,
    /// The settings it was started with (database included), for a restart or a twin.
    pub args: Vec<String>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _data: Option<tempfile::TempDir>,
}

pub const PASSWORD: &str = "correct horse battery";

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Starts the app with extra command-line settings, e.g. `["--max-retries", "2"]`.
pub async fn spawn_app_with(extra: &[&str]) -> TestApp {
    let data = tempfile::tempdir().expect("temp dir");
    let mut args = database_args().await;
    args.extend(extra.iter().map(|s| s.to_string()));
    let mut app = spawn_app_in(data.path(), &args).await;
    app._data = Some(data);
    app
}

/// The database of a test: SQLite in its data folder by default; when
/// `TEST_DATABASE_URL` names a PostgreSQL server, a fresh database there.
pub async fn database_args() -> Vec<String> {
    match fresh_postgres_database().await {
        Some(url) => vec!["--database-url".into(), url],
        None => vec![],
    }
}

pub async fn fresh_postgres_database() -> Option<String> {
    use sqlx::{Connection, Executor};
    let admin = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())?;
    let name = format!("rg_test_{:016x}", rand::random::<u64>());
    let mut conn = sqlx::postgres::PgConnection::connect(&admin).await.expect("TEST_DATABASE_URL reachable");
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
    let (base, _) = admin.rsplit_once('/').expect("a database URL with a path");
    Some(format!("{base}/{name}"))
}

pub fn settings(data_dir: &std::path::Path, extra: &[String]) -> referral_gate::server::config::Settings {
    let mut args = vec![
        "referral-gate".to_owned(),
        "--data-dir".into(),
        data_dir.display().to_string(),
        "--site-addr".into(),
        "127.0.0.1:0".into(),
        "--contact".into(),
        "invites@example.org".into(),
    ];
    args.extend(extra.iter().cloned());
    Cli::try_parse_from(args).expect("settings").settings
}

/// Starts the app on an existing data folder and database (to test restarts and
/// several instances).
pub async fn spawn_app_in(data_dir: &std::path::Path, args: &[String]) -> TestApp {
    let app = Application::build(&settings(data_dir, args)).await.expect("app builds");
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state().clone();
    let server = tokio::spawn(app.run_until_stopped());
    TestApp { base, state, data_dir: data_dir.to_owned(), args: args.to_vec(), server, _data: None }
}

impl TestApp {
    /// Stops serving (the data folder stays).
    pub fn stop(&self) {
        self.server.abort();
    }

    /// Another instance on the same data folder and database.
    pub async fn twin(&self) -> TestApp {
        spawn_app_in(&self.data_dir, &self.args).await
    }

    /// The database the session store writes to: its own file next to SQLite's, the
    /// shared database on PostgreSQL.
    pub async fn sessions_pool(&self) -> sqlx::AnyPool {
        match self.state.store.backend() {
            referral_gate::server::store::Backend::Sqlite => {
                let url = format!("sqlite://{}", self.data_dir.join("sessions.db").display());
                sqlx::AnyPool::connect(&url).await.unwrap()
            }
            referral_gate::server::store::Backend::Postgres => self.state.store.pool().clone(),
        }
    }

    /// Where the session store keeps its rows.
    pub fn sessions_table(&self) -> &'static str {
        match self.state.store.backend() {
            referral_gate::server::store::Backend::Sqlite => "sessions",
            referral_gate::server::store::Backend::Postgres => "tower_sessions.sessions",
        }
    }

    /// Waits until `sql` yields `want`, for work done in the background (the outbox).
    pub async fn eventually(&self, sql: &str, want: i64) {
        self.eventually_within(sql, want, 10).await
    }

    pub async fn eventually_within(&self, sql: &str, want: i64, secs: u64) {
        for _ in 0..secs * 10 {
            if self.scalar(sql).await == want {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(self.scalar(sql).await, want, "{sql}");
    }

    pub async fn add_user(&self, name: &str) {
        self.add_local_user(name, false).await
    }

    pub async fn add_local_user(&self, name: &str, admin: bool) {
        let hash = hash_password(&Password::parse(PASSWORD.into()).unwrap()).unwrap();
        self.state.store.upsert_local_user(name, &hash, admin, self.state.clock.now()).await.unwrap();
    }

    /// An administrator added and signed in, in a fresh browser.
    pub async fn signed_in_admin(&self, name: &str) -> Browser {
        self.add_local_user(name, true).await;
        let b = self.browser();
        assert_eq!(b.sign_in(name, PASSWORD).await.status(), StatusCode::OK, "sign-in of admin {name}");
        b
    }

    /// Runs the app's own command line on this app's data folder and database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_referral-gate"))
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(&self.args)
            .args(args)
            .env("RUST_LOG", "error")
            .output()
            .expect("the binary runs")
    }

    pub async fn create_code(&self, max_uses: Option<u32>) -> ReferralCode {
        let spec = CodeSpec { max_uses, expires_in: None, note: None };
        codes::create(&self.state.store, &self.state.secret, None, &spec, self.state.clock.now())
            .await
            .unwrap()
    }

    /// A fresh "browser": its own cookie jar.
    pub fn browser(&self) -> Browser {
        let client = Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            // A fresh connection per request: a server that refuses an oversized body closes
            // its connection, which must not fail the next request.
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        Browser { client, base: self.base.clone() }
    }

    /// A user added and signed in, in a fresh browser.
    pub async fn signed_in(&self, name: &str) -> Browser {
        self.add_user(name).await;
        let b = self.browser();
        let res = b.sign_in(name, PASSWORD).await;
        assert_eq!(res.status(), StatusCode::OK, "sign-in of {name}");
        b
    }

    pub async fn scalar(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(self.state.store.pool()).await.unwrap()
    }
}

#[derive(Clone)]
pub struct Browser {
    pub client: Client,
    pub base: String,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Calls a server function as the hydrated app does (urlencoded in, JSON out).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Response {
        self.client.post(self.url(endpoint)).form(form).send().await.unwrap()
    }

    /// Posts a form as a browser without JavaScript does.
    pub async fn post_page(&self, endpoint: &str, referer: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(endpoint))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, self.url(referer))
            .form(form)
            .send()
            .await
            .unwrap()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let res = self.client.get(self.url(path)).header(header::ACCEPT, "text/html").send().await.unwrap();
        let status = res.status();
        let location = res.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let body = res.text().await.unwrap();
        (status, location.unwrap_or(body))
    }

    pub async fn sign_in(&self, name: &str, password: &str) -> Response {
        self.call("/api/auth/sign-in", &[("username", name), ("password", password)]).await
    }

    pub async fn submit_code(&self, code: &str) -> Response {
        self.call("/api/gate/submit", &[("code", code)]).await
    }
}

/// A tiny valid PNG (1×1).
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00,
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00,
    0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00,
    0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];
