use leptos::prelude::*;
use leptos_icons::Icon;

/// What a list shows when it has nothing yet, with the next step.
#[component]
pub fn EmptyState(
    icon: icondata::Icon,
    #[prop(into)] title: String,
    #[prop(into)] text: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty-state">
            <div class="empty-icon">
                <Icon icon=icon />
            </div>
            <h3>{title}</h3>
            <p>{text}</p>
            {children.map(|c| view! { <div class="empty-actions">{c()}</div> })}
        </div>
    }
}
