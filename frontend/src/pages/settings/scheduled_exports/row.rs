//! One schedule in the table: what it exports, when and to whom, its last run, and what
//! can be done with it (pause, run now, see its runs, edit, delete).

use super::dialog::ScheduleDialog;
use super::runs::{RunHistory, RunStatusBadge};
use super::{Store, format_label, input_of, list_label};
use crate::api;
use crate::format::{date_time, due, relative};
use crate::jobs::watch_job;
use kite_shared::jobs::JobStarted;
use kite_shared::jobs::{JobProgress, JobStatus};
use kite_shared::scheduled_exports::{RunStatus, ScheduledExportDto};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

/// A group of the table's body: the schedule's row and, when open, its run history.
#[component]
pub fn ScheduleRow(
    initial: ScheduledExportDto,
    store: Store,
    on_delete: Callback<ScheduledExportDto>,
) -> impl IntoView {
    let id = initial.id;
    // After a delete the row lives on for a moment without its schedule.
    let export = Memo::new(move |_| store.find(id).unwrap_or_else(|| initial.clone()));
    let text = move |of: fn(&ScheduledExportDto) -> String| move || export.with(of);
    let name = Memo::new(move |_| export.with(|e| e.name.clone()));
    let edit_open = RwSignal::new(false);
    let history_open = RwSignal::new(false);
    let runs_changed = RwSignal::new(0u32);
    let job = RwSignal::new(None::<Uuid>);
    let starting = RwSignal::new(false);

    let run_now = move |_| {
        starting.set(true);
        spawn_local(async move {
            let started = api::post::<JobStarted>(&format!("/scheduled-exports/{id}/run"), &()).await;
            starting.set(false);
            match started {
                Ok(started) => {
                    store.toasts.success(format!(
                        "“{}” is running; it is emailed when ready.",
                        name.get_untracked()
                    ));
                    history_open.set(true);
                    job.set(Some(started.job_id));
                }
                Err(error) => store.toasts.error(error.message),
            }
        });
    };
    let on_run_finished = Callback::new(move |status: JobStatus| {
        let name = name.get_untracked();
        if status == JobStatus::Succeeded {
            store.toasts.success(format!("“{name}” was exported and emailed."));
        } else {
            store
                .toasts
                .error(format!("“{name}” did not run through: see its run history."));
        }
        job.set(None);
        runs_changed.update(|n| *n += 1);
        store.refresh();
    });
    let last_run = move || match job.get() {
        Some(job_id) => view! { <RunWatch job_id=job_id on_finished=on_run_finished /> }.into_any(),
        None => export
            .with(|e| e.last_run.clone())
            .map(|run| {
                view! {
                    <div class="stack-tight">
                        <RunStatusBadge status=run.status />
                        <span class="muted small" title=date_time(&run.started_at)>{relative(&run.started_at)}</span>
                    </div>
                }
                .into_any()
            })
            .unwrap_or_else(|| view! { <span class="muted">"Never"</span> }.into_any()),
    };
    let next_run = move || {
        export.with(|e| match e.next_run_at {
            Some(at) if e.enabled => view! { <span title=date_time(&at)>{due(&at)}</span> }.into_any(),
            _ => view! { <span class="muted">"Paused"</span> }.into_any(),
        })
    };
    let toggle = move |ev: leptos::ev::Event| store.set_enabled(export.get_untracked(), event_target_checked(&ev));
    view! {
        <tbody data-testid="schedule" data-name=move || name.get()>
            <tr>
                <td class="schedule-export">
                    <div class="schedule-name">{move || name.get()}</div>
                    <div class="muted small">
                        {text(|e| format!("{} · {}", list_label(e.entity), format_label(e.format)))}
                    </div>
                    <Show when=move || export.with(|e| !e.filters.is_empty())>
                        <code class="schedule-filters muted small" title=text(|e| e.filters.clone())>
                            {text(|e| e.filters.clone())}
                        </code>
                    </Show>
                </td>
                <td>
                    <div data-testid="schedule-when">{text(|e| e.schedule.describe())}</div>
                    <div
                        class="muted small schedule-recipients"
                        title=text(|e| e.recipients.join(", "))
                        data-testid="schedule-recipients"
                    >
                        {text(|e| format!("To {}", e.recipients.join(", ")))}
                    </div>
                </td>
                <td data-testid="next-run">{next_run}</td>
                <td class="nowrap" data-testid="last-run">{last_run}</td>
                <td>
                    <input
                        type="checkbox"
                        role="switch"
                        class="switch"
                        aria-label=move || format!("Run {} on its schedule", name.get())
                        data-testid="schedule-enabled"
                        prop:checked=move || export.with(|e| e.enabled)
                        on:change=toggle
                    />
                </td>
                <td class="cell-end">
                    <div class="row-actions">
                        <button
                            type="button"
                            class="btn btn-secondary btn-small"
                            data-testid="run-now"
                            disabled=move || starting.get() || job.get().is_some()
                            on:click=run_now
                        >
                            <Icon icon=icondata::LuPlay />
                            "Run now"
                        </button>
                        <button
                            type="button"
                            class="icon-button"
                            aria-label=move || format!("Runs of {}", name.get())
                            title="Run history"
                            aria-expanded=move || history_open.get().to_string()
                            data-testid="show-runs"
                            on:click=move |_| history_open.update(|o| *o = !*o)
                        >
                            <Icon icon=icondata::LuHistory />
                        </button>
                        <button
                            type="button"
                            class="icon-button"
                            aria-label=move || format!("Edit {}", name.get())
                            title="Edit"
                            data-testid="edit-schedule"
                            on:click=move |_| edit_open.set(true)
                        >
                            <Icon icon=icondata::LuPencil />
                        </button>
                        <button
                            type="button"
                            class="icon-button icon-button-danger"
                            aria-label=move || format!("Delete {}", name.get())
                            title="Delete"
                            data-testid="delete-schedule"
                            on:click=move |_| on_delete.run(export.get_untracked())
                        >
                            <Icon icon=icondata::LuTrash2 />
                        </button>
                    </div>
                    <ScheduleDialog
                        open=edit_open
                        id=id
                        draft=Signal::derive(move || export.with(input_of))
                        on_saved=Callback::new(move |saved| store.put(saved))
                    />
                </td>
            </tr>
            <Show when=move || history_open.get()>
                <tr class="row-details">
                    <td colspan="6">
                        <RunHistory export_id=id changed=runs_changed />
                    </td>
                </tr>
            </Show>
        </tbody>
    }
}

/// The last-run cell while a run started here is under way; follows its job.
#[component]
fn RunWatch(job_id: Uuid, on_finished: Callback<JobStatus>) -> impl IntoView {
    // Only the end of the run matters here: no need to read its state on demand.
    let _ = watch_job(
        job_id,
        Callback::new(move |(status, _): (JobStatus, JobProgress)| {
            if status.is_finished() {
                on_finished.run(status);
            }
        }),
    );
    view! { <RunStatusBadge status=RunStatus::Running /> }
}
