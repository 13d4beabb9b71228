//! The live event stream (`GET /api/v1/events`): one EventSource opened with a one-time
//! ticket, its handlers kept alive as long as it is open, and closed when dropped.

use crate::api;
use kite_shared::jobs::{EventTicket, ServerEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

pub struct EventStream {
    source: web_sys::EventSource,
    _on_event: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.source.close();
    }
}

impl EventStream {
    /// Opens the stream for the server events named `names` (`job_progress`,
    /// `record_changed`…). `on_open` runs when it is open (events sent before were
    /// missed: catch up there); `on_error` when it breaks (a ticket opens one stream, so
    /// the browser's own reconnect cannot succeed: open another).
    pub async fn open(
        names: &[&str],
        on_event: impl Fn(ServerEvent) + 'static,
        on_open: impl Fn() + 'static,
        on_error: impl Fn() + 'static,
    ) -> Option<EventStream> {
        let ticket = api::post::<EventTicket>("/events/ticket", &()).await.ok()?;
        let ticket: String = js_sys::encode_uri_component(&ticket.ticket).into();
        let source = web_sys::EventSource::new(&format!("/api/v1/events?ticket={ticket}")).ok()?;
        let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(event) = event
                .data()
                .as_string()
                .and_then(|data| serde_json::from_str::<ServerEvent>(&data).ok())
            {
                on_event(event);
            }
        });
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| on_open());
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| on_error());
        for name in names {
            source
                .add_event_listener_with_callback(name, on_event.as_ref().unchecked_ref())
                .ok()?;
        }
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(EventStream {
            source,
            _on_event: on_event,
            _on_open: on_open,
            _on_error: on_error,
        })
    }
}
