//! `/imports/new`: upload → mapping → dry run. Starting the run moves on to the import's
//! own page, which follows its progress and shows the report (and survives a reload).

use super::mapping::MappingStep;
use super::preview::PreviewStep;
use super::upload::UploadStep;
use super::{ENTITIES, Step, Steps};
use crate::components::EmptyState;
use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::imports::{DryRunReport, DuplicateMode, ImportEntity, ImportUploaded};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
enum Stage {
    Upload,
    Mapping,
    Preview(DryRunReport),
}

#[component]
pub fn ImportWizard() -> impl IntoView {
    let session = use_session();
    view! {
        <div class="page">
            <A href="/imports" attr:class="back-link">
                <Icon icon=icondata::LuArrowLeft />
                "Imports"
            </A>
            <header class="page-header">
                <div>
                    <h1>"Import a file"</h1>
                    <p class="muted">"Bring contacts or companies in from a CSV or spreadsheet file."</p>
                </div>
            </header>
            <Show
                when=move || session.can(Permission::EditOwnRecords)
                fallback=|| {
                    view! {
                        <EmptyState
                            icon=icondata::LuLock
                            title="Viewers cannot import"
                            text="Ask someone who can add records to import the file."
                        />
                    }
                }
            >
                <Wizard />
            </Show>
        </div>
    }
}

#[component]
fn Wizard() -> impl IntoView {
    let query = use_query_map();
    let initial = query
        .with_untracked(|q| q.get("entity"))
        .and_then(|e| ImportEntity::parse(&e))
        .filter(|e| ENTITIES.contains(e))
        .unwrap_or(ImportEntity::Contacts);
    let entity = RwSignal::new(initial);
    let uploaded = RwSignal::new(None::<ImportUploaded>);
    let mapping = RwSignal::new(BTreeMap::<String, String>::new());
    let duplicates = RwSignal::new(DuplicateMode::Skip);
    let stage = RwSignal::new(Stage::Upload);
    let step = Signal::derive(move || match stage.get() {
        Stage::Upload => Step::Upload,
        Stage::Mapping => Step::Mapping,
        Stage::Preview(_) => Step::Preview,
    });
    let on_uploaded = Callback::new(move |upload: ImportUploaded| {
        mapping.set(upload.suggested_mapping.clone());
        uploaded.set(Some(upload));
    });
    view! {
        <Steps current=step />
        {move || match stage.get() {
            Stage::Upload => {
                view! {
                    <UploadStep
                        entity=entity
                        uploaded=uploaded
                        on_uploaded=on_uploaded
                        on_next=Callback::new(move |_| stage.set(Stage::Mapping))
                    />
                }
                    .into_any()
            }
            Stage::Mapping => {
                match uploaded.get_untracked() {
                    Some(upload) => {
                        view! {
                            <MappingStep
                                upload=upload
                                mapping=mapping
                                duplicates=duplicates
                                on_back=Callback::new(move |_| stage.set(Stage::Upload))
                                on_checked=Callback::new(move |report| stage.set(Stage::Preview(report)))
                            />
                        }
                            .into_any()
                    }
                    None => ().into_any(),
                }
            }
            Stage::Preview(report) => {
                match uploaded.get_untracked() {
                    Some(upload) => {
                        view! {
                            <PreviewStep
                                upload=upload
                                report=report
                                on_back=Callback::new(move |_| stage.set(Stage::Mapping))
                            />
                        }
                            .into_any()
                    }
                    None => ().into_any(),
                }
            }
        }}
    }
}
