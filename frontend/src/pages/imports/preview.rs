//! Step 3: what the import would do, before anything is written.

use super::summary::{CountTiles, RowErrors};
use crate::api;
use crate::toast::use_toasts;
use kite_shared::imports::{DryRunReport, ImportUploaded};
use kite_shared::jobs::JobStarted;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_router::hooks::use_navigate;

#[component]
pub fn PreviewStep(upload: ImportUploaded, report: DryRunReport, on_back: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let navigate = use_navigate();
    let busy = RwSignal::new(false);
    let id = upload.id;
    let writes = report.counts.created + report.counts.updated;
    let run = move |_| {
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::post::<JobStarted>(&format!("/imports/{id}/run"), &()).await {
                Ok(_) => navigate(&format!("/imports/{id}"), Default::default()),
                Err(error) => {
                    busy.set(false);
                    toasts.error(error.message);
                }
            }
        });
    };
    let verdict = if report.counts.failed == 0 {
        "Every row can be imported.".to_owned()
    } else {
        let rows = if report.counts.failed == 1 { "row" } else { "rows" };
        format!(
            "{} {rows} would fail and be left out; the others can be imported. Go back to change the mapping, or import and download the failed rows afterwards.",
            report.counts.failed
        )
    };
    view! {
        <section class="card import-card" data-testid="dry-run">
            <div>
                <h2>"Check before importing"</h2>
                <p class="muted">{format!("Nothing has been written yet. {verdict}")}</p>
            </div>
            <CountTiles counts=report.counts.clone() planned=true />
            <RowErrors entity=upload.entity errors=report.errors.clone() by_field=report.errors_by_field.clone() />
            <div class="form-actions">
                <button class="btn btn-ghost" on:click=move |_| on_back.run(())>
                    <Icon icon=icondata::LuArrowLeft />
                    "Back"
                </button>
                <button
                    class="btn btn-primary"
                    data-testid="run-import"
                    disabled=move || busy.get() || writes == 0
                    on:click=run
                >
                    <Icon icon=icondata::LuImport />
                    {if writes == 1 { "Import 1 row".to_owned() } else { format!("Import {writes} rows") }}
                </button>
            </div>
        </section>
    }
}
