//! Step 5: what the import did, with its failed rows to download and a way to undo it.

use super::summary::{CountTiles, RowErrors};
use super::{StatusBadge, entity_title};
use crate::api;
use crate::components::ConfirmDialog;
use crate::format::date_time;
use crate::toast::use_toasts;
use kite_shared::imports::{ImportDto, ImportStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_router::components::A;

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn verdict(import: &ImportDto) -> String {
    let (one, many) = match import.entity {
        kite_shared::imports::ImportEntity::Companies => ("company", "companies"),
        kite_shared::imports::ImportEntity::Deals => ("deal", "deals"),
        kite_shared::imports::ImportEntity::Contacts => ("contact", "contacts"),
    };
    let c = &import.counts;
    match import.status {
        ImportStatus::Done => format!(
            "{} created, {} updated, {} skipped and {} failed.",
            plural(c.created, one, many),
            plural(c.updated, one, many),
            plural(c.skipped, "row", "rows"),
            plural(c.failed, "row", "rows"),
        ),
        ImportStatus::Failed => {
            "The import stopped with an error. What it wrote so far is kept; undo it to remove it.".into()
        }
        ImportStatus::Cancelled => "The import was cancelled, and what it had written was removed.".into(),
        ImportStatus::Undone => format!(
            "This import was undone: the {many} it created were moved to the trash and the ones it updated were put back."
        ),
        ImportStatus::Running => "The import is running.".into(),
        ImportStatus::Uploaded | ImportStatus::Mapped => "This file was never imported.".into(),
    }
}

#[component]
pub fn ImportReport(import: ImportDto, on_changed: Callback<ImportDto>) -> impl IntoView {
    let toasts = use_toasts();
    let id = import.id;
    let confirm = RwSignal::new(false);
    let undoing = RwSignal::new(false);
    let downloading = RwSignal::new(false);
    let entity = import.entity;
    let list = entity.as_str();
    let undoable = matches!(import.status, ImportStatus::Done | ImportStatus::Failed);
    let stem = import
        .file_name
        .rsplit_once('.')
        .map_or(import.file_name.as_str(), |(stem, _)| stem)
        .to_owned();
    let download = move |_| {
        downloading.set(true);
        let name = format!("{stem}-failed-rows.csv");
        spawn_local(async move {
            let result = api::download(&format!("/imports/{id}/failed-rows.csv")).await;
            downloading.set(false);
            match result {
                Ok(file) => {
                    if api::save_file(&name, &file.content_type, &file.bytes).is_none() {
                        toasts.error("The browser refused to save the file.");
                    }
                }
                Err(error) => toasts.error(error.message),
            }
        });
    };
    let undo = move |_| {
        undoing.set(true);
        spawn_local(async move {
            let result = api::post::<ImportDto>(&format!("/imports/{id}/undo"), &()).await;
            undoing.set(false);
            match result {
                Ok(undone) => {
                    toasts.success("The import was undone.");
                    on_changed.run(undone);
                }
                Err(error) => toasts.error(error.message),
            }
        });
    };
    let finished = import.finished_at.as_ref().map(date_time);
    view! {
        <section class="card import-card" data-testid="import-report">
            <div class="import-report-head">
                <div>
                    <h2>{import.file_name.clone()}</h2>
                    <p class="muted small">
                        {format!("{} · started {}", entity_title(entity), date_time(&import.created_at))}
                        {finished.map(|f| format!(" · finished {f}"))}
                    </p>
                </div>
                <StatusBadge status=import.status />
            </div>
            <p data-testid="import-verdict">{verdict(&import)}</p>
            <CountTiles counts=import.counts.clone() planned=false />
            <RowErrors entity=entity errors=import.errors.clone() />
            <div class="import-report-actions">
                <A href=format!("/{list}") attr:class="btn btn-primary" attr:data-testid="open-imported">
                    {format!("Open {list}")}
                </A>
                {(import.counts.failed > 0)
                    .then(|| {
                        view! {
                            <button
                                class="btn btn-secondary"
                                data-testid="download-failed"
                                disabled=move || downloading.get()
                                on:click=download
                            >
                                <Icon icon=icondata::LuDownload />
                                "Download failed rows"
                            </button>
                        }
                    })}
                <A href=format!("/imports/new?entity={list}") attr:class="btn btn-secondary">
                    <Icon icon=icondata::LuUpload />
                    "Import another file"
                </A>
                <span class="spacer"></span>
                {undoable
                    .then(|| {
                        view! {
                            <button
                                class="btn btn-ghost btn-danger-text"
                                data-testid="undo-import"
                                disabled=move || undoing.get()
                                on:click=move |_| confirm.set(true)
                            >
                                <Icon icon=icondata::LuUndo2 />
                                "Undo this import"
                            </button>
                        }
                    })}
            </div>
        </section>
        <ConfirmDialog
            open=confirm
            title="Undo this import?"
            message=Signal::derive(move || {
                format!(
                    "The {list} it created go to the trash and the ones it updated get their earlier values back. Changes made to them since the import are lost."
                )
            })
            confirm_label="Undo import"
            on_confirm=Callback::new(undo)
        />
    }
}
