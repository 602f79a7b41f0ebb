//! The steps behind each server function: session, flash and redirects around the
//! services, so both ways of using a page (hydrated, plain form posts) end the same.

pub mod admin;
pub mod auth;
pub mod form;
pub mod gate;
