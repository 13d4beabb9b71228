//! Step 4: the run's progress, live from the event stream, or polled when the stream
//! cannot be opened or breaks.

use crate::api;
use crate::toast::use_toasts;
use gloo_timers::callback::Interval;
use kite_shared::jobs::{EventTicket, JobDto, JobProgress, JobStatus, ServerEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
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

#[component]
pub fn ImportProgress(job_id: Uuid, on_finished: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let progress = RwSignal::new(JobProgress::default());
    let status = RwSignal::new(JobStatus::Queued);
    let cancelling = RwSignal::new(false);
    let stream = StoredValue::new_local(None::<Stream>);
    let polling = StoredValue::new_local(None::<Interval>);
    let finished = StoredValue::new(false);
    // Called from the stream's own handlers, which must not be dropped while they run.
    let close_stream = move || spawn_local(async move { stream.set_value(None) });

    let apply = move |job_status: JobStatus, job_progress: JobProgress| {
        if finished.get_value() {
            return;
        }
        status.set(job_status);
        progress.set(job_progress);
        if job_status.is_finished() {
            finished.set_value(true);
            close_stream();
            polling.set_value(None);
            on_finished.run(());
        }
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
        let _ = stream.try_update_value(|s| *s = None);
        let _ = polling.try_update_value(|p| *p = None);
    });

    let cancel = move |_| {
        cancelling.set(true);
        spawn_local(async move {
            match api::post::<serde_json::Value>(&format!("/jobs/{job_id}/cancel"), &()).await {
                Ok(_) => poll(),
                Err(error) => {
                    cancelling.set(false);
                    toasts.error(error.message);
                }
            }
        });
    };
    let percent = move || {
        let p = progress.get();
        p.total
            .filter(|t| *t > 0)
            .map(|total| (p.done.min(total) * 100 / total) as u32)
    };
    let text = move || {
        let p = progress.get();
        match (status.get(), p.total) {
            (JobStatus::Queued, _) => "Waiting to start…".to_owned(),
            (_, Some(total)) => format!("{} of {total} rows", p.done.min(total)),
            (_, None) => format!("{} rows read", p.done),
        }
    };
    view! {
        <section class="card import-card" data-testid="import-progress">
            <div>
                <h2>"Importing…"</h2>
                <p class="muted">"You can leave this page: the import goes on, and its report waits under Imports."</p>
            </div>
            <div
                class="progress"
                class:progress-unknown=move || percent().is_none()
                role="progressbar"
                aria-label="Import progress"
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=move || percent().map(|p| p.to_string())
            >
                <div class="progress-bar" style=move || format!("width: {}%", percent().unwrap_or(0))></div>
            </div>
            <p class="progress-text" data-testid="progress-text" aria-live="polite">{text}</p>
            <div class="form-actions">
                <button
                    class="btn btn-secondary"
                    data-testid="cancel-import"
                    disabled=move || cancelling.get()
                    on:click=cancel
                >
                    <Icon icon=icondata::LuCircleX />
                    {move || if cancelling.get() { "Cancelling…" } else { "Cancel import" }}
                </button>
            </div>
        </section>
    }
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
