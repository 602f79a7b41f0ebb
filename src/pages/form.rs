use leptos::{prelude::*, server_fn::ServerFn, task::spawn_local};
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::common::{failed, loading, Messages, SignOutButton, Tone};
use crate::{
    api::{get_snapshot, submit_form, SubmitForm},
    domain::{Flash, FormDraft, Page, Snapshot},
    error::AppError,
};

#[component]
pub fn FormPage() -> impl IntoView {
    // Multipart bodies cannot go through ActionForm: hydrated, the form's FormData is
    // sent by this action; without JavaScript the browser posts the same form itself.
    let send = Action::new_local(|data: &web_sys::FormData| submit_form(data.clone().into()));
    let snapshot = Resource::new(move || send.version().get(), |_| get_snapshot(Page::Form));
    view! {
        <Title text="Your details · referral-gate" />
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(s) => match &s.user {
                        None => view! { <Redirect path="/sign-in" /> }.into_any(),
                        Some(u) if !u.admitted => view! { <Redirect path="/gate" /> }.into_any(),
                        Some(_) => view! { <DetailsForm snapshot=s send /> }.into_any(),
                    },
                    Err(e) => failed(e),
                }
            })}
        </Transition>
    }
}

const FORM_URL: &str = <SubmitForm as ServerFn>::PATH;

#[component]
fn DetailsForm(
    snapshot: Snapshot,
    send: Action<web_sys::FormData, Result<crate::domain::Receipt, AppError>>,
) -> impl IntoView {
    let pending = send.pending();
    let (draft, messages) = match snapshot.flash {
        Some(Flash::CodeAccepted) => (
            FormDraft::default(),
            vec![(Tone::Success, "Referral code is correct. Please enter your details below.".to_owned())],
        ),
        Some(Flash::FormRejected { message, draft }) => (draft, vec![(Tone::Error, message)]),
        _ => (FormDraft::default(), vec![]),
    };
    let username = snapshot.user.map(|u| u.username).unwrap_or_default();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        use wasm_bindgen::JsCast;
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
            return; // let the browser post the form itself
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        ev.prevent_default();
        if !pending.get_untracked() {
            spawn_local(async move {
                send.dispatch_local(data);
            });
        }
    };
    view! {
        <section class="card" aria-labelledby="form-title">
            <div class="card-head">
                <h1 id="form-title">"Your details"</h1>
                <p class="who">"Signed in as " <strong>{username}</strong> <SignOutButton /></p>
            </div>
            <form method="post" action=FORM_URL enctype="multipart/form-data" class="stack"
                on:submit=on_submit>
                <div class="field">
                    <label for="full_name">"Full name"</label>
                    <input id="full_name" name="full_name" type="text" autocomplete="name" required
                        maxlength="200" value=draft.full_name />
                </div>
                <div class="field">
                    <label for="email">"Email"</label>
                    <input id="email" name="email" type="email" autocomplete="email" required
                        maxlength="254" value=draft.email />
                </div>
                <div class="field">
                    <label for="about">"About you"</label>
                    <textarea id="about" name="about" rows="5" required maxlength="4000">{draft.about}</textarea>
                </div>
                <div class="field">
                    <label for="photo">"Photo"</label>
                    <input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp"
                        required aria-describedby="photo-help" />
                    <p id="photo-help" class="help">"JPEG, PNG or WebP, at most 5 MiB."</p>
                </div>
                <Messages id="messages" messages />
                <button type="submit" aria-disabled=move || pending.get().to_string()>
                    {move || if pending.get() { "Sending…" } else { "Send" }}
                </button>
            </form>
        </section>
    }
}
