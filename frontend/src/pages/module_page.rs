use crate::components::EmptyState;
use leptos::prelude::*;

/// The CRM modules whose pages arrive with their records (campaigns, reports). Until
/// then the page says plainly what will be here, instead of showing made-up data.
#[component]
pub fn ModulePage(module: &'static str) -> impl IntoView {
    let (title, icon, text) = match module {
        "campaigns" => (
            "Campaigns",
            icondata::LuMail,
            "Email campaigns and sequences to your contacts.",
        ),
        _ => (
            "Reports",
            icondata::LuChartColumn,
            "Pipeline analytics, forecasts and team performance.",
        ),
    };
    view! {
        <div class="page">
            <header class="page-header">
                <h1>{title}</h1>
            </header>
            <EmptyState
                icon=icon
                title=format!("{title} are not in this version of Kite yet")
                text=text
            />
        </div>
    }
}
