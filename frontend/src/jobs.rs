//! Following a background job (an import, an export run): live from the event stream,
//! or polled when the stream cannot be opened or breaks.

use crate::api;
use gloo_timers::callback::Interval;
use kite_shared::jobs::{EventTicket, JobDto, JobProgress, JobStatus, ServerEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

/// An open event stream and the handlers it calls, closed together.
struct Stream {
    source: web_sys::EventSource,
    _on_progress: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for Stream {
    fn drop(&mut self) {
        self.source.close();
    }
}

/// Follows `job_id` until it finishes: `on_change` gets every state the job reports, the
/// last one finished. Stops when the calling component goes away. Returns a way to read
/// the job's state at once (after asking to cancel it, say).
pub fn watch_job(job_id: Uuid, on_change: Callback<(JobStatus, JobProgress)>) -> impl Fn() + Copy + 'static {
    let stream = StoredValue::new_local(None::<Stream>);
    let polling = StoredValue::new_local(None::<Interval>);
    let finished = StoredValue::new(false);
    // Called from the stream's own handlers, which must not be dropped while they run.
    let close_stream = move || spawn_local(async move { stream.set_value(None) });

    let apply = move |status: JobStatus, progress: JobProgress| {
        if finished.get_value() {
            return;
        }
        if status.is_finished() {
            finished.set_value(true);
            close_stream();
            polling.set_value(None);
        }
        on_change.run((status, progress));
    };
    let poll = move || {
        spawn_local(async move {
            if let Ok(job) = api::get::<JobDto>(&format!("/jobs/{job_id}")).await {
                apply(job.status, job.progress);
            }
        });
    };
    let fall_back_to_polling = move || {
        close_stream();
        if !finished.get_value() && polling.with_value(Option::is_none) {
            polling.set_value(Some(Interval::new(1_000, poll)));
        }
    };
    spawn_local(async move {
        let opened = match api::post::<EventTicket>("/events/ticket", &()).await {
            Ok(ticket) => open_stream(&ticket.ticket, job_id, apply, poll, fall_back_to_polling),
            Err(_) => None,
        };
        match opened {
            Some(opened) if !finished.get_value() => stream.set_value(Some(opened)),
            Some(_) => {}
            None => fall_back_to_polling(),
        }
    });
    on_cleanup(move || {
        // The component may go away because of the last event, inside its handler: the
        // stream is dropped once that handler has returned.
        if let Some(Some(open)) = stream.try_update_value(Option::take) {
            spawn_local(async move { drop(open) });
        }
        let _ = polling.try_update_value(|p| *p = None);
    });
    poll
}

fn open_stream(
    ticket: &str,
    job_id: Uuid,
    apply: impl Fn(JobStatus, JobProgress) + 'static,
    catch_up: impl Fn() + 'static,
    broken: impl Fn() + 'static,
) -> Option<Stream> {
    let ticket: String = js_sys::encode_uri_component(ticket).into();
    let source = web_sys::EventSource::new(&format!("/api/v1/events?ticket={ticket}")).ok()?;
    let on_progress = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let Some(data) = event.data().as_string() else {
            return;
        };
        if let Ok(ServerEvent::JobProgress {
            job_id: id,
            status,
            progress,
            ..
        }) = serde_json::from_str::<ServerEvent>(&data)
            && id == job_id
        {
            apply(status, progress);
        }
    });
    // Events sent before the stream opened are missed: read where the job is once.
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| catch_up());
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| broken());
    source
        .add_event_listener_with_callback("job_progress", on_progress.as_ref().unchecked_ref())
        .ok()?;
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Some(Stream {
        source,
        _on_progress: on_progress,
        _on_open: on_open,
        _on_error: on_error,
    })
}
