//! Importing contacts and companies from a file: the wizard (upload → mapping → dry run),
//! the run's live progress and its report, and the history of imports.

mod history;
mod mapping;
mod page;
mod preview;
mod progress;
mod report;
mod summary;
mod upload;
mod wizard;

pub use history::ImportHistory;
pub use page::ImportPage;
pub use wizard::ImportWizard;

use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::imports::{ImportEntity, ImportStatus};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

const ENTITIES: [ImportEntity; 3] = [ImportEntity::Contacts, ImportEntity::Companies, ImportEntity::Deals];

fn entity_title(entity: ImportEntity) -> &'static str {
    match entity {
        ImportEntity::Contacts => "Contacts",
        ImportEntity::Companies => "Companies",
        ImportEntity::Deals => "Deals",
    }
}

/// The label of a field key as the mapping screen names it ("email" → "Email").
fn field_label(entity: ImportEntity, key: &str) -> String {
    entity
        .fields()
        .iter()
        .find(|f| f.key == key)
        .map_or_else(|| key.to_owned(), |f| f.label.to_owned())
}

fn status_badge(status: ImportStatus) -> (&'static str, &'static str) {
    match status {
        ImportStatus::Uploaded | ImportStatus::Mapped => ("Not run", "badge badge-warning"),
        ImportStatus::Running => ("Running", "badge badge-accent"),
        ImportStatus::Done => ("Done", "badge badge-success"),
        ImportStatus::Failed => ("Failed", "badge badge-danger"),
        ImportStatus::Cancelled => ("Cancelled", "badge badge-muted"),
        ImportStatus::Undone => ("Undone", "badge badge-muted"),
    }
}

#[component]
fn StatusBadge(status: ImportStatus) -> impl IntoView {
    let (label, class) = status_badge(status);
    view! { <span class=class data-testid="import-status" data-status=status.as_str()>{label}</span> }
}

/// "Import" in a list page's header, for those who may create records.
#[component]
pub fn ImportButton(entity: ImportEntity) -> impl IntoView {
    let session = use_session();
    move || {
        session.can(Permission::EditOwnRecords).then(|| {
            view! {
                <A href=format!("/imports/new?entity={}", entity.as_str()) attr:class="btn btn-secondary" attr:data-testid="import-records">
                    <Icon icon=icondata::LuImport />
                    "Import"
                </A>
            }
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Upload,
    Mapping,
    Preview,
    Progress,
    Report,
}

const STEPS: [(Step, &str); 5] = [
    (Step::Upload, "Upload"),
    (Step::Mapping, "Map columns"),
    (Step::Preview, "Check"),
    (Step::Progress, "Import"),
    (Step::Report, "Report"),
];

/// Where the user is in the five steps of an import.
#[component]
fn Steps(#[prop(into)] current: Signal<Step>) -> impl IntoView {
    view! {
        <ol class="import-steps" aria-label="Import steps">
            {STEPS
                .into_iter()
                .enumerate()
                .map(|(i, (step, label))| {
                    view! {
                        <li
                            class="import-step"
                            class:import-step-done=move || step < current.get()
                            aria-current=move || (step == current.get()).then_some("step")
                        >
                            <span class="import-step-number">{i + 1}</span>
                            <span>{label}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}
