use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::common::{failed, loading, Messages, SignOutButton, Tone};
use crate::{
    api::{get_snapshot, SubmitCode},
    domain::{wait_text, Flash, Page, Snapshot},
};

#[component]
pub fn GatePage() -> impl IntoView {
    let submit = ServerAction::<SubmitCode>::new();
    let snapshot = Resource::new(move || submit.version().get(), |_| get_snapshot(Page::Gate));
    view! {
        <Title text="Referral code · referral-gate" />
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(s) => match &s.user {
                        None => view! { <Redirect path="/sign-in" /> }.into_any(),
                        Some(u) if u.admitted => view! { <Redirect path="/form" /> }.into_any(),
                        Some(_) => view! { <GateForm snapshot=s action=submit /> }.into_any(),
                    },
                    Err(e) => failed(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn GateForm(snapshot: Snapshot, action: ServerAction<SubmitCode>) -> impl IntoView {
    let pending = action.pending();
    let max = snapshot.max_retries;
    let messages = messages(&snapshot);
    let username = snapshot.user.map(|u| u.username).unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="gate-title">
            <div class="card-head">
                <h1 id="gate-title">"Invite only"</h1>
                <p class="who">"Signed in as " <strong>{username}</strong> <SignOutButton /></p>
            </div>
            <p>"Please enter the invite code."</p>
            <ActionForm action attr:class="stack">
                <div class="field">
                    <label for="code">"Referral code"</label>
                    <input id="code" name="code" type="text" autocomplete="off" autocapitalize="characters"
                        spellcheck="false" required maxlength="64" placeholder="XXXX-XXXX-XXXX"
                        aria-describedby="code-help messages" />
                    <p id="code-help" class="help">
                        {format!("You have {max} retries to enter the correct referral code.")}
                    </p>
                </div>
                <Messages id="messages" messages />
                <button type="submit" aria-disabled=move || pending.get().to_string()>
                    {move || if pending.get() { "Checking…" } else { "Submit code" }}
                </button>
            </ActionForm>
        </section>
    }
}

fn messages(s: &Snapshot) -> Vec<(Tone, String)> {
    let mut out = Vec::new();
    match &s.flash {
        Some(Flash::CodeRejected { .. }) => out.push((
            Tone::Error,
            format!(
                "Referral code is invalid. If you do not have a referral code, please write to us at {}.",
                s.contact
            ),
        )),
        Some(Flash::CodeMalformed { message }) => out.push((Tone::Error, message.clone())),
        Some(Flash::DryRunLocked) => {
            out.push((Tone::Error, "You have exceeded the maximum number of retries.".into()));
            out.push((
                Tone::Info,
                "Dry run: the gate is being tried out, so your account has not been disabled.".into(),
            ));
            return out;
        }
        Some(Flash::AddressBlocked { retry_after_secs }) => out.push((
            Tone::Error,
            format!(
                "Too many invalid codes have come from your network. Please try again in {}.",
                wait_text(*retry_after_secs)
            ),
        )),
        _ => {}
    }
    // The account's count, whichever browser or session the failures came from.
    let failures = s.user.as_ref().map_or(0, |u| u.failures);
    if failures > 0 {
        let left = s.attempts_left();
        out.push((
            Tone::Warning,
            format!("Invalid attempt count: {failures}. You have {left} attempts left."),
        ));
        if left == 0 {
            out.push((Tone::Warning, "One more invalid code will disable your account.".into()));
        }
    }
    out
}
