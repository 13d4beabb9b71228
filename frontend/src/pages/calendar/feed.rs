//! "Subscribe": the user's secret feed URL for Google Calendar, Outlook or Apple
//! Calendar. The URL is shown once, when made; making a new one or turning it off stops
//! the old one.

use crate::api;
use crate::components::Modal;
use crate::format::relative;
use crate::toast::use_toasts;
use kite_shared::crm::calendar::{CalendarFeed, CreatedCalendarFeed};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn FeedDialog(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <Modal open=open title="Subscribe to your calendar">
            <FeedPanel />
        </Modal>
    }
}

#[component]
fn FeedPanel() -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let url = RwSignal::new(None::<String>);
    let status = LocalResource::new(move || {
        reload.track();
        api::get::<CalendarFeed>("/calendar-feed")
    });
    let create = move |_| {
        spawn_local(async move {
            match api::post::<CreatedCalendarFeed>("/calendar-feed", &()).await {
                Ok(feed) => {
                    url.set(Some(feed.url));
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.explained()),
            }
        });
    };
    let revoke = move |_| {
        spawn_local(async move {
            match api::delete("/calendar-feed").await {
                Ok(()) => {
                    url.set(None);
                    toasts.success("The feed URL no longer works.");
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.explained()),
            }
        });
    };
    view! {
        <div class="feed-panel" data-testid="calendar-feed">
            <p class="modal-text">
                "Your meetings, calls and tasks (the ones you own or attend), in any calendar app that subscribes to a URL. "
                "Anyone with the URL sees them: keep it to yourself."
            </p>
            {move || url.get().map(|u| view! {
                <div class="field">
                    <label for="feed-url">"Your feed URL (shown only now)"</label>
                    <input id="feed-url" class="input" readonly=true prop:value=u data-testid="feed-url" on:focus=|ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    } />
                    <p class="field-hint">"In Google Calendar: Other calendars → From URL. In Outlook: Add calendar → Subscribe from web."</p>
                </div>
            })}
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || status.get().map(|s| match s {
                    Ok(feed) if feed.active => view! {
                        <p class="muted">
                            {format!(
                                "A feed URL is on since {}; {}.",
                                feed.created_at.as_ref().map(relative).unwrap_or_default(),
                                feed.last_fetched_at.as_ref().map_or("no app has read it yet".to_owned(), |at| format!("last read {}", relative(at))),
                            )}
                        </p>
                        <div class="modal-actions">
                            <button type="button" class="btn btn-ghost btn-danger-text" on:click=revoke>"Turn off"</button>
                            <button type="button" class="btn btn-primary" on:click=create>"Make a new URL"</button>
                        </div>
                    }.into_any(),
                    Ok(_) => view! {
                        <div class="modal-actions">
                            <button type="button" class="btn btn-primary" data-testid="create-feed" on:click=create>"Create feed URL"</button>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}
