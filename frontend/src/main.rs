//! Kite's single-page app. For now a placeholder that proves the Trunk build and the
//! server's SPA hosting; the app itself comes with the SPA issue.

use leptos::prelude::*;

#[component]
fn Placeholder() -> impl IntoView {
    view! {
        <main class="placeholder">
            <h1>"Kite"</h1>
            <p>"The CRM for small sales teams. The web app is on its way; the API is ready."</p>
            <p><a href="/api-docs/">"Explore the API"</a></p>
        </main>
    }
}

fn main() {
    console_error_panic_hook::set_once();
    mount_to_body(Placeholder);
}
