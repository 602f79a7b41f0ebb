use leptos::prelude::*;

use super::{failed, flash_messages, Frame};
use crate::{
    api::admin::admin_overview,
    domain::admin::Section,
    pages::common::{loading, Messages, Tone},
};

#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| admin_overview());
    view! {
        <Frame section=Section::Overview>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => {
                            let o = page.data;
                            let mut messages = flash_messages(&page.flash);
                            if o.dry_run {
                                messages.push((Tone::Warning, "Dry run: wrong codes are counted and alerted, but no account is locked or disabled.".into()));
                            }
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
                                <Messages id="messages" messages />
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
                        }
                        Err(e) => failed(e),
                    }
                })}
            </Suspense>
        </Frame>
    }
}
