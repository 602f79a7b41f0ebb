use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::common::{destination, failed, loading};
use crate::{api::get_snapshot, domain::Page};

/// `/` sends each user to the right page.
#[component]
pub fn HomePage() -> impl IntoView {
    let snapshot = Resource::new(|| (), |_| get_snapshot(Page::Home));
    view! {
        <Title text="referral-gate" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(s) => view! { <Redirect path=destination(&s) /> }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Title text="Page not found · referral-gate" />
        <section class="card">
            <h1>"Page not found"</h1>
            <p>
                <a href="/">"Go to the start"</a>
            </p>
        </section>
    }
}
