//! The HTML shell, the app and its routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::pages::{
    admin::{
        AddressesPage, AttemptsPage, CodesPage, LockedPage, OutboxPage, OverviewPage, SubmissionPage,
        SubmissionsPage,
    },
    FormPage, GatePage, HomePage, NewPasswordPage, NotFound, ReceivedPage, SignInPage,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::security::set_page_csp();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Marks the page once hydrated, so tests (and curious users) can tell the two modes apart.
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    // Async SSR: each page's data (and its redirects and status) is settled before the
    // response starts, so plain form posts land on a complete page.
    view! {
        <Stylesheet id="leptos" href="/pkg/referral-gate.css" />
        <Router>
            <header class="topbar">
                <a class="brand" href="/">"referral-gate"</a>
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async />
                    <Route path=path!("/sign-in/new-password") view=NewPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/gate") view=GatePage ssr=SsrMode::Async />
                    <Route path=path!("/form") view=FormPage ssr=SsrMode::Async />
                    <Route path=path!("/form/received") view=ReceivedPage ssr=SsrMode::Async />
                    <Route path=path!("/admin") view=OverviewPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/codes") view=CodesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/locked") view=LockedPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/addresses") view=AddressesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/attempts") view=AttemptsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/submissions") view=SubmissionsPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/submissions/:id") view=SubmissionPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/outbox") view=OutboxPage ssr=SsrMode::Async />
                </Routes>
            </main>
        </Router>
    }
}
