use leptos::prelude::*;

/// Placeholder lines while a list loads, so the layout does not jump.
#[component]
pub fn SkeletonRows(#[prop(default = 5)] rows: usize) -> impl IntoView {
    view! {
        <div class="skeleton-list" aria-busy="true" aria-label="Loading">
            {(0..rows).map(|i| view! { <div class="skeleton skeleton-line" style=format!("width: {}%", 92 - (i * 7) % 30)></div> }).collect_view()}
        </div>
    }
}

#[component]
pub fn SkeletonTable(#[prop(default = 6)] rows: usize, #[prop(default = 4)] columns: usize) -> impl IntoView {
    view! {
        <div class="table-wrap" aria-busy="true" aria-label="Loading">
            <table class="table">
                <tbody>
                    {(0..rows)
                        .map(|_| {
                            view! {
                                <tr>
                                    {(0..columns).map(|_| view! { <td><div class="skeleton skeleton-cell"></div></td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
