//! referral-gate: an invite-only gate in front of a protected form.
//!
//! The crate is compiled twice by cargo-leptos: with `ssr` for the server binary and
//! with `hydrate` for the browser's wasm. Everything under `server` is ssr-only.

pub mod api;
pub mod app;
pub mod domain;
pub mod error;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod server;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
