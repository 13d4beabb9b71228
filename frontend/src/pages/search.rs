use crate::components::EmptyState;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn Search() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|q| q.get("q")).unwrap_or_default();
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{move || if q().is_empty() { "Search".to_owned() } else { format!("Results for “{}”", q()) }}</h1>
            </header>
            <EmptyState
                icon=icondata::LuSearch
                title="Nothing to search yet"
                text="Search covers contacts, companies and deals, which this version of Kite does not hold yet."
            />
        </div>
    }
}
