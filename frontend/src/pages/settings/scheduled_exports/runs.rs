//! A schedule's runs, newest first: when, how many rows, how the file went out, and the
//! file itself while it is kept.

use crate::api;
use crate::components::{Cursors, PageInfo, Pager, SkeletonRows};
use crate::format::{date_time, due, file_size};
use crate::toast::use_toasts;
use kite_shared::page::Page;
use kite_shared::scheduled_exports::{ExportRunDto, RUN_FILE_DAYS, RunStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

const PER_PAGE: u64 = 10;

#[component]
pub fn RunStatusBadge(status: RunStatus) -> impl IntoView {
    let (label, class) = match status {
        RunStatus::Running => ("Running…", "badge badge-accent"),
        RunStatus::Succeeded => ("Succeeded", "badge badge-success"),
        RunStatus::Failed => ("Failed", "badge badge-danger"),
    };
    view! { <span class=class data-testid="run-status" data-status=status.as_str()>{label}</span> }
}

/// `changed` is bumped when a run finished, to read the history again.
#[component]
pub fn RunHistory(export_id: Uuid, #[prop(into)] changed: Signal<u32>) -> impl IntoView {
    let query = Signal::derive(move || format!("/scheduled-exports/{export_id}/runs?per_page={PER_PAGE}"));
    let cursors = Cursors::new(query);
    let runs = LocalResource::new(move || {
        changed.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<ExportRunDto>>(&path).await }
    });
    let page_info = Signal::derive(move || runs.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    // One page of runs needs no pager.
    let paged = move || page_info.with(|p| p.as_ref().is_some_and(|p| p.next.is_some())) || cursors.index() > 0;
    view! {
        <div class="run-history" data-testid="run-history">
            <h3 class="detail-heading">"Run history"</h3>
            <Transition fallback=|| view! { <SkeletonRows rows=2 /> }>
                {move || {
                    runs.get()
                        .map(|result| match result {
                            Ok(list) if list.items.is_empty() => {
                                view! { <p class="muted small">"No runs yet. “Run now” sends it at once."</p> }.into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <table class="table table-dense run-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"Started"</th>
                                                <th scope="col" class="cell-number">"Rows"</th>
                                                <th scope="col" class="cell-number">"Size"</th>
                                                <th scope="col">"Email"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col" class="cell-end">"File"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.items.into_iter().map(|run| view! { <RunRow run=run /> }).collect_view()}
                                        </tbody>
                                    </table>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
            <Show when=paged>
                <Pager cursors=cursors per_page=PER_PAGE page=page_info />
            </Show>
        </div>
    }
}

#[component]
fn RunRow(run: ExportRunDto) -> impl IntoView {
    let toasts = use_toasts();
    let downloading = RwSignal::new(false);
    let id = run.id;
    let fallback_name = run.file_name.clone().unwrap_or_else(|| "export".into());
    let download = move |_| {
        downloading.set(true);
        let fallback_name = fallback_name.clone();
        spawn_local(async move {
            let result = api::download(&format!("/export-runs/{id}/file")).await;
            downloading.set(false);
            match result {
                Ok(file) => {
                    let name = file.file_name.unwrap_or(fallback_name);
                    if api::save_file(&name, &file.content_type, &file.bytes).is_none() {
                        toasts.error("The browser refused to save the file.");
                    }
                }
                Err(error) => toasts.error(error.message),
            }
        });
    };
    let succeeded = run.status == RunStatus::Succeeded;
    let delivery = match (succeeded, run.attached) {
        (false, _) => "—",
        (true, true) => "Attached",
        (true, false) => "Sent as a link",
    };
    let file = if run.downloadable {
        view! {
            <button
                type="button"
                class="btn btn-secondary btn-small"
                data-testid="download-run"
                disabled=move || downloading.get()
                on:click=download
            >
                <Icon icon=icondata::LuDownload />
                "Download"
            </button>
        }
        .into_any()
    } else if succeeded {
        view! {
            <span class="muted" title=format!("Files are kept for {RUN_FILE_DAYS} days.")>"Expired"</span>
        }
        .into_any()
    } else {
        view! { <span class="muted">"—"</span> }.into_any()
    };
    view! {
        <tr data-testid="run" data-status=run.status.as_str()>
            <td class="nowrap" title=date_time(&run.started_at)>{due(&run.started_at)}</td>
            <td class="cell-number" data-testid="run-rows">{run.rows.map_or_else(|| "—".into(), |n| n.to_string())}</td>
            <td class="cell-number nowrap">{run.file_size.map_or_else(|| "—".into(), file_size)}</td>
            <td class="nowrap" data-testid="run-delivery">{delivery}</td>
            <td>
                <RunStatusBadge status=run.status />
                {run.error.clone().map(|e| view! { <p class="run-error small">{e}</p> })}
            </td>
            <td class="cell-end">{file}</td>
        </tr>
    }
}
