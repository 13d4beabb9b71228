//! The "Export" menu of a list page (the list as it is filtered and sorted) and of a
//! report page (its table), as CSV or Excel. The file comes through the API client (it needs the session's token) and is
//! handed to the browser as a blob, under the name the server gave it. Managers can also
//! schedule the same export, to be emailed regularly.

use super::{ListState, list_pairs};
use crate::api;
use crate::pages::settings::schedule_link;
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::Permission;
use kite_shared::crm::notes::RecordKind;
use kite_shared::imports::ImportEntity;
use kite_shared::scheduled_exports::ExportFormat;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_use_on_click_outside::on_click_outside;

/// The list's export menu: the list as filtered and sorted, and (for managers) a link to
/// schedule the same export.
#[component]
pub fn ExportMenu(
    kind: RecordKind,
    state: ListState,
    /// The list's filters, as given to its table.
    #[prop(into)]
    filters: Signal<Vec<(&'static str, String)>>,
) -> impl IntoView {
    let session = use_session();
    let path = Callback::new(move |format: ExportFormat| {
        let mut pairs = vec![("format", Some(format.as_str().to_owned()))];
        pairs.extend(list_pairs(&filters.get_untracked(), &state.sort.get_untracked()));
        format!("/{}/export{}", kind.plural(), api::query(&pairs))
    });
    let schedule = Signal::derive(move || {
        let entity = ImportEntity::parse(kind.plural())?;
        session.can(Permission::EditAllRecords).then(|| {
            // The same query as the download, without the leading "?".
            let query = api::query(&list_pairs(&filters.get(), &state.sort.get()));
            schedule_link(entity, query.trim_start_matches('?'))
        })
    });
    view! { <DownloadMenu heading="Export this list" path=path fallback=kind.plural() schedule=schedule /> }
}

/// An "Export" button whose menu downloads a file as CSV or Excel.
#[component]
pub fn DownloadMenu(
    /// The menu's heading: what is exported.
    heading: &'static str,
    /// The export's API address for a format.
    path: Callback<ExportFormat, String>,
    /// The file's name, without extension, should the server not give one.
    fallback: &'static str,
    /// Where "Schedule this export…" leads, when it is offered.
    #[prop(optional, into)]
    schedule: Signal<Option<String>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let menu = NodeRef::<leptos::html::Div>::new();
    let _ = on_click_outside(menu, move |_| open.set(false));
    let export = move |format: ExportFormat| {
        open.set(false);
        busy.set(true);
        let path = path.run(format);
        spawn_local(async move {
            let result = api::download(&path).await;
            busy.set(false);
            match result {
                Ok(file) => {
                    let name = file
                        .file_name
                        .unwrap_or_else(|| format!("{fallback}.{}", format.as_str()));
                    match api::save_file(&name, &file.content_type, &file.bytes) {
                        Some(()) => toasts.success(format!("Exported {name}.")),
                        None => toasts.error("The browser refused to save the file."),
                    }
                }
                Err(e) => toasts.error(format!("The export failed: {}", e.message)),
            }
        });
    };
    view! {
        <div
            class="export-menu"
            node_ref=menu
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class="btn btn-secondary"
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                data-testid="export-menu"
                disabled=move || busy.get()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <Icon icon=icondata::LuDownload />
                {move || if busy.get() { "Exporting…" } else { "Export" }}
            </button>
            <Show when=move || open.get()>
                <div class="menu export-options" role="menu" aria-label="Export format">
                    <span class="menu-label">{heading}</span>
                    <button
                        type="button"
                        class="menu-item"
                        role="menuitem"
                        data-testid="export-csv"
                        on:click=move |_| export(ExportFormat::Csv)
                    >
                        <Icon icon=icondata::LuFileText />
                        "CSV"
                    </button>
                    <button
                        type="button"
                        class="menu-item"
                        role="menuitem"
                        data-testid="export-xlsx"
                        on:click=move |_| export(ExportFormat::Xlsx)
                    >
                        <Icon icon=icondata::LuFileSpreadsheet />
                        "Excel (.xlsx)"
                    </button>
                    {move || schedule.get().map(|href| view! {
                        <A href=href attr:class="menu-item" attr:role="menuitem" attr:data-testid="schedule-export">
                            <Icon icon=icondata::LuCalendarClock />
                            "Schedule this export…"
                        </A>
                    })}
                </div>
            </Show>
        </div>
    }
}
