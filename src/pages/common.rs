//! Pieces shared by the pages: messages, the sign-out button, loading and errors.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::{
    api::SignOut,
    domain::{Snapshot, UserView},
    error::AppError,
};

/// A message's tone: an error, a warning, or good news.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Error,
    Warning,
    Success,
    Info,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Self::Error => "message error",
            Self::Warning => "message warning",
            Self::Success => "message success",
            Self::Info => "message info",
        }
    }
}

/// The live region where a page's messages appear; its space is reserved so the
/// layout does not jump when a message arrives.
#[component]
pub fn Messages(id: &'static str, messages: Vec<(Tone, String)>) -> impl IntoView {
    view! {
        <div id=id class="messages" role="status" aria-live="polite">
            {messages
                .into_iter()
                .map(|(tone, text)| view! { <p class=tone.class()>{text}</p> })
                .collect_view()}
        </div>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out attr:class="sign-out">
            <button type="submit" class="link">
                "Sign out"
            </button>
        </ActionForm>
    }
}

pub fn loading() -> impl IntoView {
    view! { <p class="loading" aria-busy="true">"Loading…"</p> }
}

pub fn failed(e: AppError) -> AnyView {
    match e {
        AppError::SignedOut | AppError::AccountDisabled => view! { <Redirect path="/sign-in" /> }.into_any(),
        AppError::NotAdmitted => view! { <Redirect path="/gate" /> }.into_any(),
        e => view! {
            <section class="card">
                <Messages id="messages" messages=vec![(Tone::Error, e.to_string())] />
                <a href="/">"Try again"</a>
            </section>
        }
        .into_any(),
    }
}

/// Where a user belongs, if not on `here`.
pub fn destination(s: &Snapshot) -> &'static str {
    landing(s.user.as_ref())
}

/// The page for this user (`None`: signed out).
pub fn landing(user: Option<&UserView>) -> &'static str {
    match user {
        None => "/sign-in",
        Some(u) if u.is_admin => "/admin",
        Some(u) if u.admitted => "/form",
        Some(_) => "/gate",
    }
}
