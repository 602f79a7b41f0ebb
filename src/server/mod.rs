//! Everything that runs only on the server (never compiled to wasm).

pub mod accounts;
pub mod admin;
pub mod admin_files;
pub mod alerts;
pub mod assets;
pub mod audit_csv;
pub mod cli;
pub mod client;
pub mod clock;
pub mod codes;
pub mod config;
pub mod directory;
pub mod flows;
pub mod gate;
pub mod guard;
pub mod metrics;
pub mod outbox;
pub mod request;
pub mod secret;
pub mod security;
pub mod session;
pub mod spray;
pub mod startup;
pub mod state;
pub mod store;
pub mod submissions;
