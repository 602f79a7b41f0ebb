//! Spray detection: one address trying codes across many accounts, or wrong codes of
//! all accounts together rising past a rate. Neither locks anybody; each raises at most
//! one `spray_suspected` alert per window.

use super::{
    alerts::{Alert, AlertEvent},
    clock::{format_utc, Millis},
    gate::alert_now,
    guard::cutoff,
    state::AppState,
};

/// Called after each wrong code (already recorded in the audit trail).
pub async fn check(state: &AppState, address: &str, now: Millis) -> anyhow::Result<()> {
    let spray = state.policy.spray;
    let since = cutoff(now, spray.window);
    let until = now + spray.window.as_millis() as Millis;
    let store = &state.store;

    // Both counts are bounded: enough rows to decide, never the whole trail.
    let scan = spray.accounts.saturating_mul(50);
    let (accounts, failures) =
        store.spray_counts(address, since, scan, spray.max_failures.saturating_add(1)).await?;
    if accounts >= i64::from(spray.accounts)
        && store.open_alert_window(&format!("spray:addr:{address}"), now, until).await?
    {
        raise(state, address, accounts, 0, now).await?;
    }
    if failures > i64::from(spray.max_failures) && store.open_alert_window("spray:all", now, until).await? {
        raise(state, "all addresses", 0, failures, now).await?;
    }
    Ok(())
}

async fn raise(
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
