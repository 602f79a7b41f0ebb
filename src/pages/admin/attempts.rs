use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{loaded, or_dash, Frame, Pager};
use crate::{
    api::admin::admin_attempts,
    domain::admin::{AttemptFilter, Section, OUTCOMES},
};

/// The audit trail: filtered by the query string (a GET form, so every view has a
/// link), paginated, and downloadable as CSV with the same filter.
#[component]
pub fn AttemptsPage() -> impl IntoView {
    let (initial, page) = use_query_map().with_untracked(|q| {
        let get = |k: &str| q.get(k).unwrap_or_default();
        let filter = AttemptFilter {
            account: get("account"),
            address: get("address"),
            outcome: get("outcome"),
            from: get("from"),
            to: get("to"),
        };
        (filter, get("page").parse::<u32>().unwrap_or(0))
    });
    let filter = initial.clone();
    let selected = initial.outcome.clone();
    view! {
        <Frame section=Section::Attempts>
            <form method="get" action="/admin/attempts" class="grid-form">
                <div class="field">
                    <label for="f-account">"Account"</label>
                    <input id="f-account" name="account" type="text" value=initial.account.clone() />
                </div>
                <div class="field">
                    <label for="f-address">"Address"</label>
                    <input id="f-address" name="address" type="text" value=initial.address.clone() />
                </div>
                <div class="field">
                    <label for="f-outcome">"Outcome"</label>
                    <select id="f-outcome" name="outcome">
                        <option value="">"any"</option>
                        {OUTCOMES
                            .into_iter()
                            .map(|o| view! { <option value=o selected=selected == o>{o}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-from">"From (UTC)"</label>
                    <input id="f-from" name="from" type="text" placeholder="2026-12-01" value=initial.from.clone() />
                </div>
                <div class="field">
                    <label for="f-to">"To (UTC)"</label>
                    <input id="f-to" name="to" type="text" placeholder="2026-12-31T23:59" value=initial.to.clone() />
                </div>
                <button type="submit">"Filter"</button>
            </form>
            {loaded(move || admin_attempts(filter.clone(), page), move |page| {
                let p = page.data;
                let q = initial.query();
                let csv = format!("/admin/attempts.csv?{q}");
                let link = move |n: u32| {
                    format!("/admin/attempts?{}{}page={n}", q, if q.is_empty() { "" } else { "&" })
                };
                let shown_to = u64::from(p.page) * u64::from(p.per_page) + p.rows.len() as u64;
                let older = (shown_to < p.total as u64).then(|| link(p.page + 1));
                let newer = (p.page > 0).then(|| link(p.page - 1));
                view! {
                    <p class="toolbar">
                        <span class="count">{format!("{} attempt{}", p.total, if p.total == 1 { "" } else { "s" })}</span>
                        <a href=csv rel="external" download="attempts.csv">"Download CSV"</a>
                    </p>
                    <div class="table-wrap">
                        <table>
                            <thead>
                                <tr><th>"When"</th><th>"Account"</th><th>"Address"</th><th>"Outcome"</th><th>"User agent"</th></tr>
                            </thead>
                            <tbody>
                                {p.rows
                                    .into_iter()
                                    .map(|r| view! {
                                        <tr>
                                            <td>{r.at}</td>
                                            <td>{r.username}</td>
                                            <td>{r.address}</td>
                                            <td>{r.outcome}</td>
                                            <td class="ua">{or_dash(Some(r.user_agent))}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager newer older />
                }
                .into_any()
            })}
        </Frame>
    }
}
