//! Kite's single-page app: Leptos, rendered in the browser, talking to /api/v1.

mod api;
mod app;
mod charts;
mod components;
mod custom_fields;
mod event_stream;
mod format;
mod forms;
mod jobs;
mod layout;
mod live;
mod pages;
mod session;
mod tag_list;
mod team;
mod theme;
mod toast;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
