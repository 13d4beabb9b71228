//! Step 4: the run's progress, live while it runs.

use crate::api;
use crate::jobs::watch_job;
use crate::toast::use_toasts;
use kite_shared::jobs::{JobProgress, JobStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

#[component]
pub fn ImportProgress(job_id: Uuid, on_finished: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let progress = RwSignal::new(JobProgress::default());
    let status = RwSignal::new(JobStatus::Queued);
    let cancelling = RwSignal::new(false);
    let poll = watch_job(
        job_id,
        Callback::new(move |(job_status, job_progress): (JobStatus, JobProgress)| {
            status.set(job_status);
            progress.set(job_progress);
            if job_status.is_finished() {
                on_finished.run(());
            }
        }),
    );

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
