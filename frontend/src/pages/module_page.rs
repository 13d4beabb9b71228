use crate::components::EmptyState;
use leptos::prelude::*;

/// Reports arrive with the analytics. Until then the page says plainly what will be
/// here, instead of showing made-up data.
#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <div class="page">
            <header class="page-header">
                <h1>"Reports"</h1>
            </header>
            <EmptyState
                icon=icondata::LuChartColumn
                title="Reports are not in this version of Kite yet"
                text="Pipeline analytics, forecasts and team performance."
            />
        </div>
    }
}
