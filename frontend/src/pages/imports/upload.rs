//! Step 1: what to import, and the file (dropped or chosen), with the sheet of a workbook.

use super::{ENTITIES, entity_title};
use crate::api::{self, ApiError};
use kite_shared::imports::{ImportEntity, ImportUploaded};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use wasm_bindgen::JsCast;

/// The server's complaint about the file itself, else its general message.
fn file_problem(error: ApiError) -> String {
    error
        .errors
        .iter()
        .find(|e| e.field == "file")
        .map_or(error.message, |e| e.message.clone())
}

#[component]
pub fn UploadStep(
    entity: RwSignal<ImportEntity>,
    uploaded: RwSignal<Option<ImportUploaded>>,
    on_uploaded: Callback<ImportUploaded>,
    on_next: Callback<()>,
) -> impl IntoView {
    // The chosen file, kept to read another sheet or as another kind of record.
    let file = StoredValue::new_local(None::<web_sys::File>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let over = RwSignal::new(false);

    let send = move |sheet: Option<String>, advance: bool| {
        let Some(chosen) = file.get_value() else {
            return;
        };
        let Ok(form) = web_sys::FormData::new() else {
            return;
        };
        let _ = form.append_with_str("entity", entity.get_untracked().as_str());
        if let Some(sheet) = &sheet {
            let _ = form.append_with_str("sheet", sheet);
        }
        let _ = form.append_with_blob_and_filename("file", &chosen, &chosen.name());
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let result = api::post_form::<ImportUploaded>("/imports", &form).await;
            busy.set(false);
            match result {
                Ok(upload) => {
                    // A workbook of several sheets waits for the user to pick the right one.
                    let several = upload.sheets.len() > 1;
                    on_uploaded.run(upload);
                    if advance && !several {
                        on_next.run(());
                    }
                }
                Err(error) => {
                    uploaded.set(None);
                    problem.set(Some(file_problem(error)));
                }
            }
        });
    };
    let choose = move |chosen: web_sys::File| {
        file.set_value(Some(chosen));
        send(None, true);
    };

    let entity_option = move |which: ImportEntity| {
        view! {
            <label class="import-choice" class:import-choice-chosen=move || entity.get() == which>
                <input
                    type="radio"
                    name="entity"
                    value=which.as_str()
                    prop:checked=move || entity.get() == which
                    on:change=move |_| {
                        entity.set(which);
                        // Suggestions depend on the kind of record: read the file again.
                        if file.with_value(Option::is_some) {
                            send(None, false);
                        }
                    }
                />
                {entity_title(which)}
            </label>
        }
    };

    view! {
        <section class="card import-card">
            <fieldset class="import-choices">
                <legend class="field-label">"What does the file hold?"</legend>
                {ENTITIES.into_iter().map(entity_option).collect_view()}
            </fieldset>
            <label
                class="drop-zone"
                class:drop-zone-over=move || over.get()
                class:drop-zone-invalid=move || problem.get().is_some()
                data-testid="drop-zone"
                on:dragover=move |ev| {
                    ev.prevent_default();
                    over.set(true);
                }
                on:dragleave=move |_| over.set(false)
                on:drop=move |ev| {
                    ev.prevent_default();
                    over.set(false);
                    if let Some(dropped) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
                        choose(dropped);
                    }
                }
            >
                <input
                    type="file"
                    class="visually-hidden"
                    data-testid="import-file"
                    accept=".csv,.tsv,.txt,.xlsx,.xls,.ods"
                    aria-describedby="import-file-error"
                    on:change=move |ev| {
                        let Some(input) = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                            return;
                        };
                        if let Some(chosen) = input.files().and_then(|f| f.get(0)) {
                            choose(chosen);
                        }
                        // Choosing the same file again after fixing it must upload it again.
                        input.set_value("");
                    }
                />
                <span class="drop-zone-icon">
                    <Icon icon=icondata::LuUpload />
                </span>
                <strong>
                    {move || if busy.get() { "Reading the file…" } else { "Drop a file here, or click to choose one" }}
                </strong>
                <span class="muted small">"CSV (any delimiter, UTF-8 or Windows), Excel (.xlsx, .xls) or OpenDocument (.ods), with a header row"</span>
            </label>
            <p class="field-error" id="import-file-error" role="alert" data-testid="upload-error">
                {move || problem.get()}
            </p>
            {move || uploaded.get().map(|upload| view! { <FileSummary upload=upload busy=busy on_sheet=Callback::new(move |sheet| send(Some(sheet), false)) /> })}
            <div class="form-actions">
                <button
                    class="btn btn-primary"
                    data-testid="upload-next"
                    disabled=move || busy.get() || uploaded.with(Option::is_none)
                    on:click=move |_| on_next.run(())
                >
                    "Map columns"
                    <Icon icon=icondata::LuArrowRight />
                </button>
            </div>
        </section>
    }
}

/// How the file was read, and the choice of sheet when a workbook has several.
#[component]
fn FileSummary(upload: ImportUploaded, busy: RwSignal<bool>, on_sheet: Callback<String>) -> impl IntoView {
    let mut how = vec![upload.format.to_uppercase()];
    how.extend(upload.encoding.clone());
    if let Some(delimiter) = &upload.delimiter {
        let name = match delimiter.as_str() {
            "," => "commas".to_owned(),
            ";" => "semicolons".to_owned(),
            "\t" => "tabs".to_owned(),
            "|" => "pipes".to_owned(),
            other => format!("“{other}”"),
        };
        how.push(format!("separated by {name}"));
    }
    how.push(format!("{} columns", upload.columns.len()));
    let sheets = upload.sheets.clone();
    let current = upload.sheet.clone().unwrap_or_default();
    view! {
        <div class="import-file" data-testid="import-file-summary">
            <Icon icon=icondata::LuFileSpreadsheet />
            <div>
                <strong>{upload.file_name.clone()}</strong>
                <div class="muted small">{how.join(" · ")}</div>
            </div>
        </div>
        {(sheets.len() > 1)
            .then(|| {
                view! {
                    <div class="field import-sheet">
                        <label for="field-sheet">"Sheet"</label>
                        <select
                            id="field-sheet"
                            disabled=move || busy.get()
                            on:change=move |ev| on_sheet.run(event_target_value(&ev))
                        >
                            {sheets
                                .into_iter()
                                .map(|sheet| {
                                    let selected = sheet == current;
                                    view! { <option value=sheet.clone() selected=selected>{sheet.clone()}</option> }
                                })
                                .collect_view()}
                        </select>
                        <p class="field-hint">"This workbook has several sheets: pick the one to import."</p>
                    </div>
                }
            })}
    }
}
