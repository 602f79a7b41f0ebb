use leptos::prelude::*;

use super::{loaded, or_dash, Frame};
use crate::{
    api::admin::{admin_locked, UnlockAccount},
    domain::admin::{DeliveryView, LockedView, Section},
};

#[component]
pub fn LockedPage() -> impl IntoView {
    let unlock = ServerAction::<UnlockAccount>::new();
    view! {
        <Frame section=Section::Locked>
            {loaded(admin_locked, move |page| view! { <Locked view=page.data unlock /> }.into_any())}
        </Frame>
    }
}

fn delivery(d: DeliveryView) -> String {
    match d.last_error {
        Some(e) if d.state != "done" => format!("{} after {} tries: {e}", d.state, d.attempts),
        _ => d.state,
    }
}

#[component]
fn Locked(view: LockedView, unlock: ServerAction<UnlockAccount>) -> impl IntoView {
    let accounts = if view.accounts.is_empty() {
        view! { <p class="empty">"No account is locked."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th>"Account"</th><th>"Locked"</th><th>"Failures"</th><th>"Last address"</th>
                            <th>"User agent"</th><th>"Disable"</th><th>"Alert"</th><th>"Unlock"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {view.accounts
                            .into_iter()
                            .map(|a| {
                                let reason_id = format!("reason-{}", a.username);
                                let (row, name, field, label) = (
                                    a.username.clone(),
                                    a.username.clone(),
                                    a.username.clone(),
                                    format!("Reason for unlocking {}", a.username),
                                );
                                view! {
                                    <tr data-account=row>
                                        <td><strong>{name}</strong><br /><small>{a.subject}</small></td>
                                        <td>{a.locked}</td>
                                        <td>{a.failures}</td>
                                        <td>{or_dash(a.last_address)}</td>
                                        <td class="ua">{or_dash(a.last_user_agent)}</td>
                                        <td>{delivery(a.disable)}</td>
                                        <td>{delivery(a.alert)}</td>
                                        <td>
                                            <ActionForm action=unlock attr:class="inline-form">
                                                <input type="hidden" name="username" value=field />
                                                <label for=reason_id.clone() class="visually-hidden">
                                                    {label}
                                                </label>
                                                <input id=reason_id type="text" name="reason" required maxlength="500"
                                                    placeholder="Reason" />
                                                <button type="submit">"Unlock"</button>
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let unlocks = (!view.recent_unlocks.is_empty()).then(|| {
        view! {
            <h2>"Recently unlocked"</h2>
            <div class="table-wrap">
                <table class="recent-unlocks">
                    <thead><tr><th>"When"</th><th>"Account"</th><th>"By"</th><th>"Reason"</th></tr></thead>
                    <tbody>
                        {view.recent_unlocks
                            .into_iter()
                            .map(|u| view! {
                                <tr><td>{u.at}</td><td>{u.target}</td><td>{u.actor}</td><td>{or_dash(u.reason)}</td></tr>
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        }
    });
    view! { {accounts} {unlocks} }
}
