use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::common::{destination, failed, loading, Messages, Tone};
use crate::{
    api::{get_snapshot, SignIn},
    domain::{wait_text, Flash, Page, Snapshot},
};

const DISABLED: &str = "Your account has been disabled. Please contact the administrator.";

#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let snapshot = Resource::new(move || sign_in.version().get(), |_| get_snapshot(Page::SignIn));
    view! {
        <Title text="Sign in · referral-gate" />
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(s) if s.user.is_some() => view! { <Redirect path=destination(&s) /> }.into_any(),
                    Ok(s) => view! { <SignInForm snapshot=s action=sign_in /> }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn SignInForm(snapshot: Snapshot, action: ServerAction<SignIn>) -> impl IntoView {
    let pending = action.pending();
    let (username, messages) = messages(snapshot.flash);
    view! {
        <section class="card" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in"</h1>
            <ActionForm action attr:class="stack">
                <div class="field">
                    <label for="username">"Username"</label>
                    <input id="username" name="username" type="text" autocomplete="username"
                        required maxlength="64" value=username />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password"
                        autocomplete="current-password" required maxlength="256" />
                </div>
                <Messages id="messages" messages />
                <button type="submit" aria-disabled=move || pending.get().to_string()>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </ActionForm>
        </section>
    }
}

/// The username to keep in the field, and the messages for the last outcome.
fn messages(flash: Option<Flash>) -> (String, Vec<(Tone, String)>) {
    match flash {
        Some(Flash::SignInFailed { username }) => {
            (username, vec![(Tone::Error, "Incorrect username or password.".into())])
        }
        Some(Flash::SignInThrottled { username, retry_after_secs }) => (
            username,
            vec![(
                Tone::Error,
                format!("Too many sign-in attempts. Please try again in {}.", wait_text(retry_after_secs)),
            )],
        ),
        Some(Flash::AccountDisabled { username }) => (username, vec![(Tone::Error, DISABLED.into())]),
        Some(Flash::Invalid { message, username }) => (username, vec![(Tone::Error, message)]),
        Some(Flash::Locked) => (
            String::new(),
            vec![
                (Tone::Error, "You have exceeded the maximum number of retries.".into()),
                (Tone::Error, DISABLED.into()),
            ],
        ),
        Some(Flash::ChallengeExpired) => {
            (String::new(), vec![(Tone::Error, "That sign-in has expired. Please sign in again.".into())])
        }
        Some(Flash::SignedOut) => (String::new(), vec![(Tone::Info, "You have been signed out.".into())]),
        _ => (String::new(), vec![]),
    }
}
