//! The benchmark's yardstick: a bare axum handler that makes the same one SQLite write a
//! wrong code makes (an `attempts` row), with the same pool settings. Not part of the
//! product; `bench/run.sh` starts it beside the release server.

use std::{net::SocketAddr, time::SystemTime};

use axum::{extract::State, routing::post, Router};
use referral_gate::server::store::{AttemptOutcome, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "bench-baseline-data".into());
    let addr: SocketAddr = std::env::args().nth(2).unwrap_or_else(|| "127.0.0.1:3901".into()).parse()?;
    std::fs::create_dir_all(&dir)?;
    let store = Store::connect(&format!("sqlite://{dir}/baseline.db?mode=rwc")).await?;
    let app = Router::new().route("/write", post(write)).with_state(store);
    axum::serve(tokio::net::TcpListener::bind(addr).await?, app).await?;
    Ok(())
}

async fn write(State(store): State<Store>) -> &'static str {
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    match store.record_attempt("baseline", "127.0.0.1", None, AttemptOutcome::Invalid, now).await {
        Ok(()) => "ok",
        Err(_) => "error",
    }
}
