//! What every request can reach: the store, the ports, the policy.

use std::sync::Arc;

use axum::extract::FromRef;
use ipnet::IpNet;
use leptos::prelude::LeptosOptions;

use super::{
    alerts::Alerts, clock::Clock, directory::Directory, guard::Policy, outbox::Outbox, secret::Secret,
    store::Store,
};

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub directory: Arc<dyn Directory>,
    pub alerts: Arc<dyn Alerts>,
    pub clock: Arc<dyn Clock>,
    pub outbox: Arc<Outbox>,
    pub policy: Policy,
    pub secret: Secret,
    pub contact: String,
    pub trusted_proxies: Arc<Vec<IpNet>>,
    /// Names this process in alerts (host and pid).
    pub instance: String,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
