use crate::team::Team;
use leptos::prelude::*;

/// "All owners" or one person of the team, as the `owner_id` filter of a list.
#[component]
pub fn OwnerFilter(value: RwSignal<String>, team: Team) -> impl IntoView {
    view! {
        <select aria-label="Filter by owner" on:change=move |ev| value.set(event_target_value(&ev))>
            <option value="">"All owners"</option>
            {move || {
                team.owner_options(None)
                    .into_iter()
                    .map(|(v, l)| {
                        let selected = v == value.get_untracked();
                        view! { <option value=v selected=selected>{l}</option> }
                    })
                    .collect_view()
            }}
        </select>
    }
}
