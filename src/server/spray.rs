//! Spray detection: one address trying codes across many accounts, or wrong codes of
//! all accounts together rising past a rate. Neither locks anybody; each raises at most
//! one `spray_suspected` alert per window.

use super::{
    alerts::{Alert, AlertEvent},
    clock::{format_utc, Millis},
    gate::alert_now,
    guard::{cutoff, SprayPolicy},
    state::AppState,
    store::{AttemptTx, Statements},
};

/// The alerts a wrong code calls for; each has opened its window already.
#[derive(Debug, Default)]
pub struct Findings {
    /// This address failed on this many accounts.
    address_accounts: Option<i64>,
    /// All accounts together had this many wrong codes.
    all_failures: Option<i64>,
}

/// Looks for a spray after a wrong code (already in the audit trail), in the attempt's
/// transaction.
pub async fn detect<S: Statements>(
    tx: &mut AttemptTx<S>,
    spray: &SprayPolicy,
    address: &str,
    now: Millis,
) -> anyhow::Result<Findings> {
    let since = cutoff(now, spray.window);
    let until = now + spray.window.as_millis() as Millis;
    let address_key = format!("spray:addr:{address}");
    // While an alert's window is quiet there is nothing to raise, so nothing to count:
    // during a spray the counting stops after its first alert.
    let address_quiet = tx.alert_window_quiet(&address_key, now).await?;
    let all_quiet = tx.alert_window_quiet(ALL_KEY, now).await?;
    let mut found = Findings::default();
    if address_quiet && all_quiet {
        return Ok(found);
    }
    // Both counts are bounded: enough rows to decide, never the whole trail.
    let scan = if address_quiet { 0 } else { spray.accounts.saturating_mul(50) };
    let cap = if all_quiet { 0 } else { spray.max_failures.saturating_add(1) };
    let (accounts, failures) = tx.spray_counts(address, since, scan, cap).await?;
    if accounts >= i64::from(spray.accounts) && tx.open_alert_window(&address_key, now, until).await? {
        found.address_accounts = Some(accounts);
    }
    if failures > i64::from(spray.max_failures) && tx.open_alert_window(ALL_KEY, now, until).await? {
        found.all_failures = Some(failures);
    }
    Ok(found)
}

const ALL_KEY: &str = "spray:all";

/// Raises the alerts `detect` found (after the attempt's commit).
pub async fn raise(state: &AppState, address: &str, found: Findings, now: Millis) -> anyhow::Result<()> {
    if let Some(accounts) = found.address_accounts {
        alert(state, address, accounts, 0, now).await?;
    }
    if let Some(failures) = found.all_failures {
        alert(state, "all addresses", 0, failures, now).await?;
    }
    Ok(())
}

async fn alert(
    state: &AppState,
    address: &str,
    accounts: i64,
    failures: i64,
    now: Millis,
) -> anyhow::Result<()> {
    let alert = Alert {
        event: AlertEvent::SpraySuspected,
        subject: String::new(),
        username: String::new(),
        failures: failures as u32,
        address: address.to_owned(),
        at: format_utc(now),
        instance: state.instance.clone(),
        accounts: (accounts > 0).then_some(accounts as u32),
        window: Some(humantime::format_duration(state.policy.spray.window).to_string()),
        ..Alert::default()
    };
    tracing::warn!(address, accounts, failures, "referral code spray suspected");
    alert_now(state, format!("spray:{address}:{now}"), &alert, now).await
}
