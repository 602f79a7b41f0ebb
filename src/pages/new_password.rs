use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::common::{destination, failed, loading, Messages, Tone};
use crate::{
    api::{get_snapshot, SetNewPassword},
    domain::{Flash, Page, Snapshot},
};

/// Accounts created by an administrator (Cognito) choose their own password first.
#[component]
pub fn NewPasswordPage() -> impl IntoView {
    let action = ServerAction::<SetNewPassword>::new();
    let snapshot = Resource::new(move || action.version().get(), |_| get_snapshot(Page::NewPassword));
    view! {
        <Title text="Choose a password · referral-gate" />
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(s) if s.user.is_some() => view! { <Redirect path=destination(&s) /> }.into_any(),
                    Ok(s) if s.new_password_for.is_none() => view! { <Redirect path="/sign-in" /> }.into_any(),
                    Ok(s) => view! { <NewPasswordForm snapshot=s action /> }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn NewPasswordForm(snapshot: Snapshot, action: ServerAction<SetNewPassword>) -> impl IntoView {
    let pending = action.pending();
    let messages = match snapshot.flash {
        Some(Flash::PasswordRejected { message }) => vec![(Tone::Error, message)],
        _ => vec![],
    };
    let username = snapshot.new_password_for.unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="new-password-title">
            <h1 id="new-password-title">"Choose a password"</h1>
            <p>"Welcome, " <strong>{username}</strong> ". Please choose a new password for your account."</p>
            <ActionForm action attr:class="stack">
                <div class="field">
                    <label for="new_password">"New password"</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password"
                        required maxlength="256" />
                </div>
                <div class="field">
                    <label for="confirm">"Confirm new password"</label>
                    <input id="confirm" name="confirm" type="password" autocomplete="new-password"
                        required maxlength="256" />
                </div>
                <Messages id="messages" messages />
                <button type="submit" aria-disabled=move || pending.get().to_string()>
                    {move || if pending.get() { "Saving…" } else { "Set password" }}
                </button>
            </ActionForm>
        </section>
    }
}
