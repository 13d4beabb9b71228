use leptos::prelude::*;
use leptos_icons::Icon;

/// "1–50 of 1,234" with previous/next buttons.
#[component]
pub fn Pager(
    #[prop(into)] page: Signal<u64>,
    #[prop(into)] per_page: Signal<u64>,
    #[prop(into)] total: Signal<u64>,
    on_page: Callback<u64>,
) -> impl IntoView {
    let last_page = move || total.get().div_ceil(per_page.get().max(1)).max(1);
    let range = move || {
        let total = total.get();
        if total == 0 {
            return "No results".to_owned();
        }
        let first = (page.get() - 1) * per_page.get() + 1;
        let last = (page.get() * per_page.get()).min(total);
        format!("{first}–{last} of {total}")
    };
    view! {
        <nav class="pager" aria-label="Pagination">
            <span class="pager-range">{range}</span>
            <button
                class="icon-button"
                aria-label="Previous page"
                disabled=move || { page.get() <= 1 }
                on:click=move |_| on_page.run(page.get() - 1)
            >
                <Icon icon=icondata::LuChevronLeft />
            </button>
            <span class="pager-page">{move || format!("Page {} of {}", page.get(), last_page())}</span>
            <button
                class="icon-button"
                aria-label="Next page"
                disabled=move || { page.get() >= last_page() }
                on:click=move |_| on_page.run(page.get() + 1)
            >
                <Icon icon=icondata::LuChevronRight />
            </button>
        </nav>
    }
}
