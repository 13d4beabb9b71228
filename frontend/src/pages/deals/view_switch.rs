use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

/// "Board | List" in the deals' page header: the same deals, as a pipeline or a table.
#[component]
pub fn ViewSwitch() -> impl IntoView {
    view! {
        <nav class="view-switch" aria-label="Show deals as" data-testid="deals-view">
            <A href="/deals" exact=true attr:class="view-switch-option">
                <Icon icon=icondata::LuKanban />
                "Board"
            </A>
            <A href="/deals/list" exact=true attr:class="view-switch-option">
                <Icon icon=icondata::LuList />
                "List"
            </A>
        </nav>
    }
}
