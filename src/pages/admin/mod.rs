//! The administrators' console: one page per section, in a shared frame. The server
//! functions check the role; the pages only show what they are given.

mod addresses;
mod attempts;
mod codes;
mod locked;
mod outbox;
mod overview;
mod submissions;

pub use addresses::AddressesPage;
pub use attempts::AttemptsPage;
pub use codes::CodesPage;
pub use locked::LockedPage;
pub use outbox::OutboxPage;
pub use overview::OverviewPage;
pub use submissions::{SubmissionPage, SubmissionsPage};

use std::future::Future;

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{de::DeserializeOwned, Serialize};

use super::common::{loading, Messages, SignOutButton, Tone};
use crate::{
    domain::admin::{Admin, AdminFlash, Section},
    error::AppError,
};

/// The console's frame: title, navigation between sections, sign-out.
/// Links to the newer and older pages of a list, where there are such pages.
#[component]
pub fn Pager(newer: Option<String>, older: Option<String>) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="Pages">
            {newer.map(|href| view! { <a href=href>"← Newer"</a> })}
            {older.map(|href| view! { <a href=href>"Older →"</a> })}
        </nav>
    }
}

#[component]
fn Frame(section: Section, children: Children) -> impl IntoView {
    view! {
        <Title text=format!("{} · Administration · referral-gate", section.title()) />
        <section class="card admin" aria-labelledby="admin-title">
            <nav class="admin-nav" aria-label="Administration">
                {Section::ALL
                    .into_iter()
                    .map(|s| {
                        view! {
                            <a href=s.path() aria-current=(s == section).then_some("page")>{s.title()}</a>
                        }
                    })
                    .collect_view()}
                <SignOutButton />
            </nav>
            <h1 id="admin-title">{section.title()}</h1>
            {children()}
        </section>
    }
}

/// A section's data, loaded while the page renders on the server (the console is
/// never hydrated, so it loads once per request), below the outcome of the last action.
fn loaded<T, Fut>(
    load: impl Fn() -> Fut + Send + Sync + 'static,
    body: impl Fn(Admin<T>) -> AnyView + Send + Sync + Clone + 'static,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<Admin<T>, AppError>> + Send + 'static,
{
    let data = Resource::new(|| (), move |_| load());
    view! {
        <Suspense fallback=loading>
            {move || {
                let body = body.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! {
                            <Messages id="messages" messages=flash_messages(&page.flash) />
                            {body(page)}
                        }
                        .into_any(),
                        Err(e) => failed(e),
                    }
                })
            }}
        </Suspense>
    }
}

/// The outcome of the administrator's last action on this section.
fn flash_messages(flash: &Option<AdminFlash>) -> Vec<(Tone, String)> {
    match flash {
        Some(AdminFlash::Done(m)) => vec![(Tone::Success, m.clone())],
        Some(AdminFlash::Refused(m)) => vec![(Tone::Error, m.clone())],
        Some(AdminFlash::CodesCreated(codes)) => vec![(
            Tone::Success,
            format!(
                "{} new code{} created. Copy {} now: {} shown only this once.",
                codes.len(),
                if codes.len() == 1 { "" } else { "s" },
                if codes.len() == 1 { "it" } else { "them" },
                if codes.len() == 1 { "it is" } else { "they are" },
            ),
        )],
        None => vec![],
    }
}

/// What a section shows when its data cannot be had.
fn failed(e: AppError) -> AnyView {
    let message = e.to_string();
    view! {
        <Messages id="messages" messages=vec![(Tone::Error, message)] />
        {(e == AppError::Forbidden || e == AppError::SignedOut)
            .then(|| view! { <p><a href="/sign-in">"Sign in as an administrator"</a></p> })}
    }
    .into_any()
}

/// "—" for what is not there.
fn or_dash(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or_else(|| "—".into())
}
