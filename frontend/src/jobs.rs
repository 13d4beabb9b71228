//! Following a background job (an import, an export run): live from the event stream,
//! or polled when the stream cannot be opened or breaks.

use crate::api;
use crate::event_stream::EventStream;
use gloo_timers::callback::Interval;
use kite_shared::jobs::{JobDto, JobProgress, JobStatus, ServerEvent};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// Follows `job_id` until it finishes: `on_change` gets every state the job reports, the
/// last one finished. Stops when the calling component goes away. Returns a way to read
/// the job's state at once (after asking to cancel it, say).
pub fn watch_job(job_id: Uuid, on_change: Callback<(JobStatus, JobProgress)>) -> impl Fn() + Copy + 'static {
    let stream = StoredValue::new_local(None::<EventStream>);
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
        let on_event = move |event: ServerEvent| {
            if let ServerEvent::JobProgress {
                job_id: id,
                status,
                progress,
                ..
            } = event
                && id == job_id
            {
                apply(status, progress);
            }
        };
        // Events sent before the stream opened are missed: read where the job is once.
        let opened = EventStream::open(&["job_progress"], on_event, poll, fall_back_to_polling).await;
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
