use kite_shared::crm::contacts::LifecycleStage;
use leptos::prelude::*;

/// `(value, label)` of every stage, in the order a contact moves through them.
pub fn stage_options() -> Vec<(String, String)> {
    LifecycleStage::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
        .collect()
}

/// Colour grows warmer as the contact gets closer to buying, so a list reads at a glance.
#[component]
pub fn StageBadge(stage: LifecycleStage) -> impl IntoView {
    let tone = match stage {
        LifecycleStage::Customer | LifecycleStage::Evangelist => "badge badge-success",
        LifecycleStage::Opportunity | LifecycleStage::Sql => "badge badge-accent",
        LifecycleStage::Mql | LifecycleStage::Lead => "badge badge-warning",
        LifecycleStage::Subscriber | LifecycleStage::Other => "badge",
    };
    view! { <span class=tone data-stage=stage.as_str()>{stage.label()}</span> }
}
