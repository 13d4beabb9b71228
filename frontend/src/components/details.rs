use leptos::prelude::*;

/// One row of a record's definition list; an empty value shows a dash, so every field
/// keeps its place and the reader sees it is unset rather than missing.
#[component]
pub fn Detail(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="detail">
            <dt>{label}</dt>
            <dd>{children()}</dd>
        </div>
    }
}

/// The text of an optional field, or a dash.
pub fn or_dash(value: Option<String>) -> String {
    value.filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "—".into())
}
