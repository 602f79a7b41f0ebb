use leptos::prelude::*;

use super::{loaded, Frame};
use crate::{
    api::admin::{admin_addresses, LiftBlock},
    domain::admin::{BlockedAddress, Section},
};

#[component]
pub fn AddressesPage() -> impl IntoView {
    let lift = ServerAction::<LiftBlock>::new();
    view! {
        <Frame section=Section::Addresses>
            {loaded(admin_addresses, move |page| view! { <Blocks blocks=page.data lift /> }.into_any())}
        </Frame>
    }
}

#[component]
fn Blocks(blocks: Vec<BlockedAddress>, lift: ServerAction<LiftBlock>) -> impl IntoView {
    if blocks.is_empty() {
        return view! { <p class="empty">"No address is blocked."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table>
                <thead><tr><th>"Address"</th><th>"Blocked from"</th><th>"Until"</th><th>"Blocks so far"</th><th></th></tr></thead>
                <tbody>
                    {blocks
                        .into_iter()
                        .map(|b| {
                            let (row, shown) = (b.address.clone(), b.address.clone());
                            view! {
                            <tr data-address=row>
                                <td><code>{shown}</code></td>
                                <td>{b.scope}</td>
                                <td>{b.until}</td>
                                <td>{b.blocks}</td>
                                <td>
                                    <ActionForm action=lift>
                                        <input type="hidden" name="address" value=b.address />
                                        <button type="submit" class="secondary">"Lift block"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }})
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
