use leptos::prelude::*;

use super::{loaded, Frame};
use crate::{api::admin::admin_overview, domain::admin::Section};

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <Frame section=Section::Overview>
            {loaded(admin_overview, |page| {
                let o = page.data;
                let tiles = [
                    (Section::Locked, o.locked, "locked accounts"),
                    (Section::Addresses, o.blocked_addresses, "blocked addresses"),
                    (Section::Codes, o.active_codes, "active codes"),
                    (Section::Submissions, o.submissions, "submissions"),
                    (Section::Outbox, o.undelivered, "deliveries waiting"),
                    (Section::Outbox, o.failed_deliveries, "deliveries given up"),
                ];
                view! {
                    <p class="who">"Signed in as " <strong>{page.admin}</strong></p>
                    {o.dry_run.then(|| view! {
                        <p class="message warning">
                            "Dry run: wrong codes are counted and alerted, but no account is locked or disabled."
                        </p>
                    })}
                    <ul class="tiles">
                        {tiles
                            .into_iter()
                            .map(|(s, n, label)| view! {
                                <li><a href=s.path()><strong>{n}</strong> " " {label}</a></li>
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </Frame>
    }
}
