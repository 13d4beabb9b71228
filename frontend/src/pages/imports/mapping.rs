//! Step 2: which field each column of the file fills, and what to do with duplicates.

use crate::api;
use kite_shared::FieldError;
use kite_shared::imports::{
    DryRunReport, DuplicateMode, ImportDto, ImportEntity, ImportMappingRequest, ImportUploaded,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use std::collections::BTreeMap;

/// The server's rule, checked as the user picks: two columns never fill one field.
fn taken_errors(columns: &[String], mapping: &BTreeMap<String, String>) -> Vec<FieldError> {
    let mut first: BTreeMap<&str, &str> = BTreeMap::new();
    let mut errors = Vec::new();
    for column in columns {
        let Some(field) = mapping.get(column).filter(|f| !f.is_empty()) else {
            continue;
        };
        match first.get(field.as_str()) {
            Some(other) => errors.push(FieldError::new(
                &format!("mapping.{column}"),
                "field_taken",
                format!("The column \"{other}\" already maps to this field."),
            )),
            None => {
                first.insert(field, column);
            }
        }
    }
    errors
}

fn duplicate_options(entity: ImportEntity) -> [(DuplicateMode, &'static str, String); 3] {
    let noun = match entity {
        ImportEntity::Companies => "company",
        _ => "contact",
    };
    [
        (
            DuplicateMode::Skip,
            "Skip",
            format!("Leave the existing {noun} as it is; the row is counted as skipped."),
        ),
        (
            DuplicateMode::Update,
            "Update",
            format!("Fill the existing {noun} with the file's values; empty cells change nothing."),
        ),
        (
            DuplicateMode::Create,
            "Create anyway",
            format!("Add a new {noun} even when one already matches."),
        ),
    ]
}

fn match_rule(entity: ImportEntity) -> &'static str {
    match entity {
        ImportEntity::Companies => "A row matches an existing company by Kite id, domain or name.",
        _ => "A row matches an existing contact by Kite id or email.",
    }
}

#[component]
pub fn MappingStep(
    upload: ImportUploaded,
    mapping: RwSignal<BTreeMap<String, String>>,
    duplicates: RwSignal<DuplicateMode>,
    on_back: Callback<()>,
    on_checked: Callback<DryRunReport>,
) -> impl IntoView {
    let entity = upload.entity;
    let id = upload.id;
    let names: Vec<String> = upload.columns.iter().map(|c| c.name.clone()).collect();
    let server = RwSignal::new(Vec::<FieldError>::new());
    let alert = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let client = Memo::new({
        let names = names.clone();
        move |_| mapping.with(|m| taken_errors(&names, m))
    });
    let error_of = move |column: &str| {
        let key = format!("mapping.{column}");
        server
            .with(|s| s.iter().find(|e| e.field == key).map(|e| e.message.clone()))
            .or_else(|| client.with(|c| c.iter().find(|e| e.field == key).map(|e| e.message.clone())))
    };
    let general = move || {
        server
            .with(|s| s.iter().find(|e| e.field == "mapping").map(|e| e.message.clone()))
            .or_else(|| alert.get())
    };
    let check = move || {
        if !client.with_untracked(Vec::is_empty) || busy.get_untracked() {
            return;
        }
        busy.set(true);
        server.set(Vec::new());
        alert.set(None);
        let request = ImportMappingRequest {
            mapping: mapping.get_untracked(),
            duplicates: duplicates.get_untracked(),
        };
        spawn_local(async move {
            let result = async {
                api::put::<ImportDto>(&format!("/imports/{id}/mapping"), &request).await?;
                api::post::<DryRunReport>(&format!("/imports/{id}/dry-run"), &()).await
            }
            .await;
            busy.set(false);
            match result {
                Ok(report) => on_checked.run(report),
                Err(error) if error.errors.is_empty() => alert.set(Some(error.message)),
                Err(error) => server.set(error.errors),
            }
        });
    };
    let fields = upload.fields.clone();
    let rows = upload
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let name = column.name.clone();
            let select_id = format!("mapping-{i}");
            let error_id = format!("{select_id}-error");
            let samples = column.samples.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
            let current = {
                let name = name.clone();
                move || mapping.with(|m| m.get(&name).cloned().unwrap_or_default())
            };
            let error = {
                let name = name.clone();
                move || error_of(&name)
            };
            let has_error = {
                let error = error.clone();
                move || error().is_some()
            };
            let options = fields
                .iter()
                .map(|f| {
                    let key = f.key.clone();
                    let current = current.clone();
                    view! { <option value=f.key.clone() prop:selected=move || current() == key>{f.label.clone()}</option> }
                })
                .collect_view();
            let ignore_selected = {
                let current = current.clone();
                move || current().is_empty()
            };
            let change = {
                let name = name.clone();
                move |ev: leptos::ev::Event| {
                    let value = event_target_value(&ev);
                    let key = format!("mapping.{name}");
                    server.update(|s| s.retain(|e| e.field != key && e.field != "mapping"));
                    mapping.update(|m| {
                        m.insert(name.clone(), value);
                    });
                }
            };
            view! {
                <tr data-column=name.clone()>
                    <th scope="row" class="import-column-name">
                        <label for=select_id.clone()>{name.clone()}</label>
                    </th>
                    <td class="muted cell-truncate import-samples" title=samples.clone()>
                        {if samples.is_empty() { "(empty)".to_owned() } else { samples.clone() }}
                    </td>
                    <td>
                        <div class="field" class:field-invalid=has_error>
                            <select id=select_id aria-describedby=error_id.clone() on:change=change>
                                <option value="" prop:selected=ignore_selected>"Ignore this column"</option>
                                {options}
                            </select>
                            <p class="field-error" id=error_id role="alert">{error}</p>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card import-card">
            <div>
                <h2>"Map the columns"</h2>
                <p class="muted">
                    {format!(
                        "Kite recognised {} of the {} columns of {}. Choose a field for the others, or ignore them.",
                        upload.suggested_mapping.len(),
                        upload.columns.len(),
                        upload.file_name,
                    )}
                </p>
            </div>
            <Show when=move || general().is_some()>
                <div class="form-alert" role="alert" data-testid="mapping-alert">{general}</div>
            </Show>
            <div class="table-wrap">
                <table class="table import-mapping" data-testid="mapping-table">
                    <thead>
                        <tr>
                            <th scope="col">"Column in the file"</th>
                            <th scope="col">"Sample values"</th>
                            <th scope="col">"Kite field"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <fieldset class="import-duplicates">
                <legend class="field-label">"When a row matches an existing record"</legend>
                <p class="field-hint">{match_rule(entity)}</p>
                {duplicate_options(entity)
                    .into_iter()
                    .map(|(mode, label, text)| {
                        view! {
                            <label class="import-choice import-choice-wide" class:import-choice-chosen=move || duplicates.get() == mode>
                                <input
                                    type="radio"
                                    name="duplicates"
                                    value=mode.as_str()
                                    prop:checked=move || duplicates.get() == mode
                                    on:change=move |_| duplicates.set(mode)
                                />
                                <span>
                                    <strong>{label}</strong>
                                    <span class="muted small">{text}</span>
                                </span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="form-actions">
                <button class="btn btn-ghost" on:click=move |_| on_back.run(())>
                    <Icon icon=icondata::LuArrowLeft />
                    "Back"
                </button>
                <button
                    class="btn btn-primary"
                    data-testid="mapping-next"
                    disabled=move || busy.get() || !client.with(Vec::is_empty)
                    on:click=move |_| check()
                >
                    {move || if busy.get() { "Checking the rows…" } else { "Check the rows" }}
                    <Icon icon=icondata::LuArrowRight />
                </button>
            </div>
        </section>
    }
}
