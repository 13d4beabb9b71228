use crate::components::EmptyState;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <div class="auth-page">
            <EmptyState icon=icondata::LuCompass title="This page does not exist" text="The link may be old, or mistyped.">
                <A href="/" attr:class="btn btn-primary">"Go to the dashboard"</A>
            </EmptyState>
        </div>
    }
}
