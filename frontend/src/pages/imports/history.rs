//! `/imports`: the organization's imports, newest first; each opens its report.

use super::{StatusBadge, entity_title};
use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::{date_time, relative};
use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::imports::{ImportDto, ImportStatus};
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

const PER_PAGE: u64 = 25;

fn outcome(import: &ImportDto) -> String {
    let c = &import.counts;
    match import.status {
        ImportStatus::Uploaded | ImportStatus::Mapped => "—".into(),
        ImportStatus::Running => format!("{} rows read", import.rows_done),
        _ => {
            let mut parts = vec![format!("{} created", c.created), format!("{} updated", c.updated)];
            if c.skipped > 0 {
                parts.push(format!("{} skipped", c.skipped));
            }
            if c.failed > 0 {
                parts.push(format!("{} failed", c.failed));
            }
            parts.join(" · ")
        }
    }
}

#[component]
pub fn ImportHistory() -> impl IntoView {
    let session = use_session();
    let query = Signal::derive(|| format!("/imports?per_page={PER_PAGE}"));
    let cursors = Cursors::new(query);
    let imports = LocalResource::new(move || {
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<ImportDto>>(&path).await }
    });
    let page_info =
        Signal::derive(move || imports.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    let new_button = move || {
        session.can(Permission::EditOwnRecords).then(|| {
            view! {
                <A href="/imports/new" attr:class="btn btn-primary" attr:data-testid="new-import">
                    <Icon icon=icondata::LuUpload />
                    "Import a file"
                </A>
            }
        })
    };
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Imports"</h1>
                    <p class="muted">"Files brought into Kite, and what each one did."</p>
                </div>
                <div class="page-actions">{new_button}</div>
            </header>
            <section class="card">
                <Transition fallback=|| view! { <SkeletonTable rows=5 columns=5 /> }>
                    {move || {
                        imports
                            .get()
                            .map(|result| match result {
                                Ok(list) if list.items.is_empty() => {
                                    view! {
                                        <EmptyState
                                            icon=icondata::LuImport
                                            title="No imports yet"
                                            text="Bring contacts or companies in from a CSV or Excel file; every import shows up here with its report."
                                        >
                                            {new_button}
                                        </EmptyState>
                                    }
                                        .into_any()
                                }
                                Ok(list) => view! { <HistoryTable imports=list.items /> }.into_any(),
                                Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                            })
                    }}
                </Transition>
                <Pager cursors=cursors per_page=PER_PAGE page=page_info />
            </section>
        </div>
    }
}

#[component]
fn HistoryTable(imports: Vec<ImportDto>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="imports-table">
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"Records"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col" class="hide-narrow">"Result"</th>
                        <th scope="col" class="hide-narrow">"Date"</th>
                    </tr>
                </thead>
                <tbody>
                    {imports
                        .into_iter()
                        .map(|i| {
                            let result = outcome(&i);
                            view! {
                                <tr data-id=i.id.to_string()>
                                    <td class="cell-primary cell-truncate">
                                        <A href=format!("/imports/{}", i.id)>{i.file_name.clone()}</A>
                                    </td>
                                    <td>{entity_title(i.entity)}</td>
                                    <td>
                                        <StatusBadge status=i.status />
                                    </td>
                                    <td class="muted hide-narrow">{result}</td>
                                    <td class="muted nowrap hide-narrow" title=date_time(&i.created_at)>
                                        {relative(&i.created_at)}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
