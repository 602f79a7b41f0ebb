use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{loaded, Frame, Pager};
use crate::{
    api::admin::{admin_submission, admin_submissions},
    domain::admin::Section,
};

#[component]
pub fn SubmissionsPage() -> impl IntoView {
    let n =
        use_query_map().with_untracked(|q| q.get("page").and_then(|p| p.parse::<u32>().ok()).unwrap_or(0));
    view! {
        <Frame section=Section::Submissions>
            {loaded(move || admin_submissions(n), move |list| {
                if list.data.is_empty() {
                    return view! { <p class="empty">"No submissions yet."</p> }.into_any();
                }
                let more = list.data.len() >= 50;
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr><th>"Received"</th><th>"Account"</th><th>"Full name"</th><th>"Email"</th></tr></thead>
                            <tbody>
                                {list.data
                                    .into_iter()
                                    .map(|s| view! {
                                        <tr>
                                            <td><a href=format!("/admin/submissions/{}", s.id)>{s.received}</a></td>
                                            <td>{s.username}</td>
                                            <td>{s.full_name}</td>
                                            <td>{s.email}</td>
                                        </tr>
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Pager
                        newer=(n > 0).then(|| format!("/admin/submissions?page={}", n - 1))
                        older=more.then(|| format!("/admin/submissions?page={}", n + 1))
                    />
                }
                .into_any()
            })}
        </Frame>
    }
}

#[component]
pub fn SubmissionPage() -> impl IntoView {
    // An id that is not a number is looked up as 0, which does not exist.
    let id =
        use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()).unwrap_or(0));
    view! {
        <Frame section=Section::Submissions>
            {loaded(move || admin_submission(id), |page| {
                let s = page.data;
                let photo = format!("/admin/submissions/{}/photo", s.id);
                let kib = (s.photo_bytes as f64 / 1024.0 * 10.0).round() / 10.0;
                view! {
                    <dl class="receipt">
                        <dt>"Account"</dt><dd>{s.username.clone()}</dd>
                        <dt>"Full name"</dt><dd>{s.full_name.clone()}</dd>
                        <dt>"Email"</dt><dd>{s.email}</dd>
                        <dt>"About"</dt><dd class="about">{s.about}</dd>
                        <dt>"Received"</dt><dd>{s.received}</dd>
                        <dt>"Photo"</dt><dd>{format!("{}, {kib} KiB", s.photo_type)}</dd>
                    </dl>
                    <figure class="photo">
                        <img src=photo.clone() alt=format!("Photo sent by {}", s.full_name) />
                        <figcaption><a href=photo rel="external">"Open the photo"</a></figcaption>
                    </figure>
                    <p><a href="/admin/submissions">"All submissions"</a></p>
                }
                .into_any()
            })}
        </Frame>
    }
}
