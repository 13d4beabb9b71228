//! `/imports/:id`: one import, followed live while it runs, then its report.

use super::progress::ImportProgress;
use super::report::ImportReport;
use super::{Step, Steps};
use crate::api;
use crate::components::{EmptyState, SkeletonRows};
use crate::pages::record::record_id;
use kite_shared::imports::{ImportDto, ImportStatus};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

#[component]
pub fn ImportPage() -> impl IntoView {
    let id = record_id();
    let reload = RwSignal::new(0u32);
    let changed = RwSignal::new(None::<ImportDto>);
    let loaded = LocalResource::new(move || {
        reload.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::get::<ImportDto>(&format!("/imports/{id}")).await,
                None => Err(api::ApiError::not_found("import")),
            }
        }
    });
    let import = move || changed.get().map(Ok).or_else(|| loaded.get());
    let step = Signal::derive(move || match import() {
        Some(Ok(i)) if i.status == ImportStatus::Running => Step::Progress,
        _ => Step::Report,
    });
    view! {
        <div class="page">
            <A href="/imports" attr:class="back-link">
                <Icon icon=icondata::LuArrowLeft />
                "Imports"
            </A>
            <header class="page-header">
                <div>
                    <h1>"Import"</h1>
                </div>
            </header>
            <Steps current=step />
            <Transition fallback=|| view! { <SkeletonRows rows=4 /> }>
                {move || {
                    import()
                        .map(|result| match result {
                            Ok(i) if i.status == ImportStatus::Running => {
                                match i.job_id {
                                    Some(job_id) => {
                                        view! {
                                            <ImportProgress
                                                job_id=job_id
                                                on_finished=Callback::new(move |_| {
                                                    changed.set(None);
                                                    reload.update(|n| *n += 1);
                                                })
                                            />
                                        }
                                            .into_any()
                                    }
                                    None => view! { <SkeletonRows rows=4 /> }.into_any(),
                                }
                            }
                            Ok(i) if matches!(i.status, ImportStatus::Uploaded | ImportStatus::Mapped) => {
                                view! {
                                    <EmptyState
                                        icon=icondata::LuFileSpreadsheet
                                        title="This file was never imported"
                                        text="Its columns were read but the import was not started. Upload the file again to import it."
                                    >
                                        <A href="/imports/new" attr:class="btn btn-primary">"Import a file"</A>
                                    </EmptyState>
                                }
                                    .into_any()
                            }
                            Ok(i) => {
                                view! { <ImportReport import=i on_changed=Callback::new(move |i| changed.set(Some(i))) /> }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
        </div>
    }
}
