use leptos::prelude::*;

/// A column header that sorts the list by `column`: the first click sorts ascending (or
/// descending, with `descending_first`, for figures where the top matters most), a
/// second click on the same column flips the order. `sort` holds the API's form,
/// `name` or `-name`.
#[component]
pub fn SortableHeader(
    #[prop(into)] label: String,
    column: &'static str,
    sort: RwSignal<String>,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] descending_first: bool,
) -> impl IntoView {
    let state = move || {
        sort.with(|s| match s.strip_prefix('-') {
            Some(c) if c == column => Some(true),
            None if s == column => Some(false),
            _ => None,
        })
    };
    let aria_sort = move || match state() {
        Some(true) => "descending",
        Some(false) => "ascending",
        None => "none",
    };
    let on_click = move |_| {
        let descending = match state() {
            Some(descending) => !descending,
            None => descending_first,
        };
        let next = if descending {
            format!("-{column}")
        } else {
            column.to_owned()
        };
        sort.set(next);
    };
    view! {
        <th scope="col" class=class aria-sort=aria_sort>
            <button type="button" class="th-sort" data-sort=column on:click=on_click>
                {label}
                <span class="th-sort-arrow" aria-hidden="true">
                    {move || match state() {
                        Some(true) => "▼",
                        Some(false) => "▲",
                        None => "",
                    }}
                </span>
            </button>
        </th>
    }
}
