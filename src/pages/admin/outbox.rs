use leptos::prelude::*;

use super::{loaded, or_dash, Frame};
use crate::{
    api::admin::{admin_outbox, RetryDelivery},
    domain::admin::{OutboxView, Section},
};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let retry = ServerAction::<RetryDelivery>::new();
    view! {
        <Frame section=Section::Outbox>
            <p class="help">"Deliveries to the directory and alerts that have not gone through yet."</p>
            {loaded(admin_outbox, move |page| view! { <Rows rows=page.data retry /> }.into_any())}
        </Frame>
    }
}

#[component]
fn Rows(rows: Vec<OutboxView>, retry: ServerAction<RetryDelivery>) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="empty">"Everything has been delivered."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr><th>"Id"</th><th>"Kind"</th><th>"State"</th><th>"Tries"</th><th>"Next try"</th><th>"Last error"</th><th>"Key"</th><th></th></tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| view! {
                            <tr>
                                <td>{r.id}</td>
                                <td>{r.kind}</td>
                                <td>{r.state}</td>
                                <td>{r.attempts}</td>
                                <td>{r.next_try}</td>
                                <td class="error-text">{or_dash(Some(r.last_error))}</td>
                                <td><small>{r.target}</small></td>
                                <td>
                                    <ActionForm action=retry>
                                        <input type="hidden" name="id" value=r.id />
                                        <button type="submit" class="secondary">"Retry now"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
