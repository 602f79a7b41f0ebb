//! The HTML shell, the app and its routes.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::pages::{FormPage, GatePage, HomePage, NewPasswordPage, NotFound, ReceivedPage, SignInPage};

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
                    // The console is a server-rendered app of its own (see `admin_app`);
                    // in the browser these routes only hand over to it with a full load.
                    <Route path=path!("/admin") view=ConsoleHandover />
                    <Route path=path!("/admin/*rest") view=ConsoleHandover />
                </Routes>
            </main>
        </Router>
    }
}

/// Where the hydrated app meets a console address (a redirect after signing in, a
/// link): the console is not part of the browser bundle, so the page is loaded anew.
#[component]
fn ConsoleHandover() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        let location = window().location();
        if let Ok(href) = location.href() {
            let _ = location.replace(&href);
        }
    });
    view! {
        <p class="loading">
            <a href="/admin" rel="external">"Open the administrators' console"</a>
        </p>
    }
}

/// The administrators' console: rendered on the server only, never hydrated, so none
/// of it is in the wasm bundle every visitor loads. Its forms are plain posts (as every
/// page works without JavaScript); `/admin.js` only adds the copy buttons.
#[cfg(feature = "ssr")]
pub mod admin_app {
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
        NotFound,
    };

    pub fn shell() -> impl IntoView {
        crate::server::security::set_page_csp();
        view! {
            <!DOCTYPE html>
            <html lang="en">
                <head>
                    <meta charset="utf-8" />
                    <meta name="viewport" content="width=device-width, initial-scale=1" />
                    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                    <script src="/admin.js" defer></script>
                    <MetaTags />
                </head>
                <body>
                    <AdminApp />
                </body>
            </html>
        }
    }

    #[component]
    pub fn AdminApp() -> impl IntoView {
        provide_meta_context();
        view! {
            <Stylesheet id="leptos" href="/pkg/referral-gate.css" />
            <Router>
                <header class="topbar">
                    <a class="brand" href="/">"referral-gate"</a>
                </header>
                <main id="main">
                    <Routes fallback=NotFound>
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
}
