//! What a dry run and a finished import both show: the counts and the first row errors.

use super::field_label;
use kite_shared::imports::{ImportCounts, ImportEntity, RowError};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// How many errors of each field are listed; the rest are counted.
const ERRORS_PER_FIELD: usize = 5;

/// The counts as tiles; `planned` words them as what a run would do.
#[component]
pub fn CountTiles(counts: ImportCounts, planned: bool) -> impl IntoView {
    let tiles = [
        ("rows", "Rows in the file", "Rows in the file", counts.rows, ""),
        (
            "created",
            "Would be created",
            "Created",
            counts.created,
            "import-count-good",
        ),
        (
            "updated",
            "Would be updated",
            "Updated",
            counts.updated,
            "import-count-good",
        ),
        ("skipped", "Would be skipped", "Skipped", counts.skipped, ""),
        ("failed", "Would fail", "Failed", counts.failed, "import-count-bad"),
    ];
    view! {
        <dl class="import-counts" data-testid="import-counts">
            {tiles
                .into_iter()
                .map(|(key, planned_label, label, value, tone)| {
                    let class = if value > 0 { format!("import-count {tone}") } else { "import-count".to_owned() };
                    view! {
                        <div class=class data-count=key>
                            <dt>{if planned { planned_label } else { label }}</dt>
                            <dd>{value}</dd>
                        </div>
                    }
                })
                .collect_view()}
        </dl>
    }
}

/// The first errors of each field, in row order, with how many rows each field failed.
#[component]
pub fn RowErrors(
    entity: ImportEntity,
    errors: Vec<RowError>,
    /// Failed rows per field, when known (a dry run knows; a report lists what it kept).
    #[prop(optional)]
    by_field: BTreeMap<String, u64>,
) -> impl IntoView {
    if errors.is_empty() {
        return ().into_any();
    }
    let mut shown: BTreeMap<String, usize> = BTreeMap::new();
    let listed: Vec<RowError> = errors
        .into_iter()
        .filter(|e| {
            let n = shown.entry(e.field.clone()).or_default();
            *n += 1;
            *n <= ERRORS_PER_FIELD
        })
        .collect();
    let summary = by_field
        .iter()
        .map(|(field, rows)| {
            let rows = if *rows == 1 {
                "1 row".to_owned()
            } else {
                format!("{rows} rows")
            };
            format!("{}: {rows}", field_label(entity, field))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    view! {
        <div class="import-errors">
            <h3>"Problems found"</h3>
            {(!summary.is_empty()).then(|| view! { <p class="muted" data-testid="errors-by-field">{summary}</p> })}
            <div class="table-wrap">
                <table class="table table-dense" data-testid="row-errors">
                    <thead>
                        <tr>
                            <th scope="col" class="cell-number">"Row"</th>
                            <th scope="col">"Field"</th>
                            <th scope="col">"Problem"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {listed
                            .into_iter()
                            .map(|e| {
                                view! {
                                    <tr>
                                        <td class="cell-number">{e.row}</td>
                                        <td class="nowrap">{field_label(entity, &e.field)}</td>
                                        <td>{e.message}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
    .into_any()
}
