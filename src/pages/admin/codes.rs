use leptos::prelude::*;

use super::{loaded, or_dash, Frame};
use crate::{
    api::admin::{admin_codes, CreateCodes, RevokeCode},
    domain::admin::{AdminFlash, CodeView, Section},
};

#[component]
pub fn CodesPage() -> impl IntoView {
    let create = ServerAction::<CreateCodes>::new();
    let revoke = ServerAction::<RevokeCode>::new();
    view! {
        <Frame section=Section::Codes>
            <h2>"New codes"</h2>
            <ActionForm action=create attr:class="grid-form">
                <div class="field">
                    <label for="max_uses">"Max uses"</label>
                    <input id="max_uses" name="max_uses" type="text" inputmode="numeric" placeholder="unlimited" />
                </div>
                <div class="field">
                    <label for="expires_in">"Expires in"</label>
                    <input id="expires_in" name="expires_in" type="text" placeholder="never (e.g. 30d, 12h)" />
                </div>
                <div class="field">
                    <label for="note">"Note"</label>
                    <input id="note" name="note" type="text" maxlength="200" />
                </div>
                <div class="field">
                    <label for="custom_code">"Custom code"</label>
                    <input id="custom_code" name="code" type="text" placeholder="generated" autocomplete="off" />
                </div>
                <div class="field">
                    <label for="count">"How many"</label>
                    <input id="count" name="count" type="text" inputmode="numeric" value="1" />
                </div>
                <button type="submit">"Create codes"</button>
            </ActionForm>
            {loaded(admin_codes, move |page| {
                let created = match &page.flash {
                    Some(AdminFlash::CodesCreated(codes)) => codes.clone(),
                    _ => vec![],
                };
                view! {
                    <NewCodes codes=created />
                    <h2>"All codes"</h2>
                    <CodeTable codes=page.data revoke />
                }
                .into_any()
            })}
        </Frame>
    }
}

/// The codes just created; they are not stored, so this is the only time they are
/// shown. `/admin.js` reveals a copy button beside each.
#[component]
fn NewCodes(codes: Vec<String>) -> impl IntoView {
    (!codes.is_empty()).then(|| {
        view! {
            <ul class="new-codes" aria-label="New codes">
                {codes
                    .into_iter()
                    .map(|code| {
                        let data = code.clone();
                        view! {
                            <li>
                                <code class="code">{code}</code>
                                <button type="button" class="secondary copy" data-code=data hidden>
                                    "Copy"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
fn CodeTable(codes: Vec<CodeView>, revoke: ServerAction<RevokeCode>) -> impl IntoView {
    if codes.is_empty() {
        return view! { <p class="empty">"No codes yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr><th>"Code"</th><th>"Uses"</th><th>"Expires"</th><th>"Status"</th><th>"Note"</th><th>"Created"</th><th></th></tr>
                </thead>
                <tbody>
                    {codes
                        .into_iter()
                        .map(|c| {
                            let uses = match c.max_uses {
                                Some(m) => format!("{} / {m}", c.uses),
                                None => format!("{} / ∞", c.uses),
                            };
                            let active = c.status == "active";
                            let row = c.prefix.clone();
                            view! {
                                <tr data-code=row>
                                    <td><code>{c.prefix}</code></td>
                                    <td class="uses">{uses}</td>
                                    <td>{c.expires.unwrap_or_else(|| "never".into())}</td>
                                    <td>{c.status}</td>
                                    <td>{or_dash(Some(c.note))}</td>
                                    <td>{c.created}</td>
                                    <td>
                                        {active.then(|| view! {
                                            <ActionForm action=revoke>
                                                <input type="hidden" name="id" value=c.id />
                                                <button type="submit" class="secondary">"Revoke"</button>
                                            </ActionForm>
                                        })}
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
}
