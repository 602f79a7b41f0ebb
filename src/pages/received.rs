use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::common::{failed, loading, Messages, SignOutButton, Tone};
use crate::{api::latest_receipt, domain::Receipt};

#[component]
pub fn ReceivedPage() -> impl IntoView {
    let receipt = Resource::new(|| (), |_| latest_receipt());
    view! {
        <Title text="Received · referral-gate" />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match receipt.await {
                    Ok(Some(r)) => view! { <Confirmation receipt=r /> }.into_any(),
                    Ok(None) => view! { <Redirect path="/form" /> }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Confirmation(receipt: Receipt) -> impl IntoView {
    let kib = (receipt.photo_bytes as f64 / 1024.0 * 10.0).round() / 10.0;
    view! {
        <section class="card" aria-labelledby="received-title">
            <div class="card-head">
                <h1 id="received-title">"Thank you"</h1>
                <p class="who"><SignOutButton /></p>
            </div>
            <Messages id="messages" messages=vec![(Tone::Success, "We have received your details.".into())] />
            <dl class="receipt">
                <dt>"Full name"</dt>
                <dd>{receipt.full_name}</dd>
                <dt>"Email"</dt>
                <dd>{receipt.email}</dd>
                <dt>"About you"</dt>
                <dd class="about">{receipt.about}</dd>
                <dt>"Photo"</dt>
                <dd>{format!("{} image, {kib} KiB", receipt.photo_kind.mime())}</dd>
                <dt>"Received"</dt>
                <dd>{receipt.received_at}</dd>
            </dl>
            <p>
                <a href="/form">"Send another"</a>
            </p>
        </section>
    }
}
