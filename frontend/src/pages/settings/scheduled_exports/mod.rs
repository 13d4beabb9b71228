//! Settings → Scheduled exports: lists emailed on a schedule (daily, weekly, monthly or
//! cron) as CSV or Excel, with their run history. Managers and admins set them up.

mod dialog;
mod row;
mod runs;

use crate::api;
use crate::components::{ConfirmDialog, EmptyState, SkeletonTable};
use crate::format::local_time_zone;
use crate::session::use_session;
use crate::toast::{Toasts, use_toasts};
use dialog::ScheduleDialog;
use kite_shared::Permission;
use kite_shared::imports::ImportEntity;
use kite_shared::scheduled_exports::{
    ExportFormat, Frequency, RUN_FILE_DAYS, Schedule, ScheduledExportDto, ScheduledExportInput,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use row::ScheduleRow;
use uuid::Uuid;

const PATH: &str = "/settings/scheduled-exports";
/// Every schedule: an organization keeps a handful, so the page holds them all (read
/// page by page) and edits them in place.
const ALL: &str = "/scheduled-exports?per_page=200";

const LISTS: [ImportEntity; 3] = [ImportEntity::Contacts, ImportEntity::Companies, ImportEntity::Deals];

fn list_label(entity: ImportEntity) -> &'static str {
    match entity {
        ImportEntity::Contacts => "Contacts",
        ImportEntity::Companies => "Companies",
        ImportEntity::Deals => "Deals",
    }
}

fn format_label(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Csv => "CSV",
        ExportFormat::Xlsx => "Excel",
    }
}

/// Where "Schedule this export" in a list's Export menu leads: a new schedule of that
/// list, with its filters and order.
pub fn schedule_link(entity: ImportEntity, filters: &str) -> String {
    let filters: String = js_sys::encode_uri_component(filters).into();
    format!("{PATH}?list={}&filters={filters}", entity.as_str())
}

/// A new schedule's starting point: every day at 08:00 in the browser's time zone.
fn new_draft(entity: ImportEntity, filters: String, recipient: Option<String>) -> ScheduledExportInput {
    ScheduledExportInput {
        name: String::new(),
        entity,
        format: ExportFormat::Csv,
        filters,
        schedule: Schedule {
            frequency: Frequency::Daily,
            time: Some("08:00".into()),
            weekday: None,
            day_of_month: None,
            cron: None,
            time_zone: local_time_zone(),
        },
        recipients: recipient.into_iter().collect(),
        enabled: true,
    }
}

/// What saving `export` unchanged would send: the starting point of its edits.
fn input_of(export: &ScheduledExportDto) -> ScheduledExportInput {
    ScheduledExportInput {
        name: export.name.clone(),
        entity: export.entity,
        format: export.format,
        filters: export.filters.clone(),
        schedule: export.schedule.clone(),
        recipients: export.recipients.clone(),
        enabled: export.enabled,
    }
}

fn by_name(list: &mut [ScheduledExportDto]) {
    list.sort_by_key(|e| e.name.to_lowercase());
}

/// The page's copy of the schedules; rows read their own from it, so a change to one
/// schedule keeps the others (and their open run histories) as they are.
#[derive(Clone, Copy)]
struct Store {
    list: RwSignal<Vec<ScheduledExportDto>>,
    toasts: Toasts,
}

impl Store {
    fn find(&self, id: Uuid) -> Option<ScheduledExportDto> {
        self.list.with(|l| l.iter().find(|e| e.id == id).cloned())
    }

    fn set(&self, mut list: Vec<ScheduledExportDto>) {
        by_name(&mut list);
        self.list.set(list);
    }

    fn put(&self, export: ScheduledExportDto) {
        self.list.update(|l| {
            if let Some(slot) = l.iter_mut().find(|e| e.id == export.id) {
                *slot = export;
            } else {
                l.push(export);
            }
            by_name(l);
        });
    }

    /// Reads the schedules again: a run moves their last run and next run on.
    fn refresh(self) {
        spawn_local(async move {
            if let Ok(list) = api::get_all::<ScheduledExportDto>(ALL).await {
                self.set(list);
            }
        });
    }

    /// Pauses or resumes at once, and puts the switch back when the server refuses.
    fn set_enabled(self, before: ScheduledExportDto, enabled: bool) {
        let input = ScheduledExportInput {
            enabled,
            ..input_of(&before)
        };
        self.put(ScheduledExportDto {
            enabled,
            ..before.clone()
        });
        spawn_local(async move {
            match api::put::<ScheduledExportDto>(&format!("/scheduled-exports/{}", before.id), &input).await {
                Ok(export) => {
                    let verb = if enabled { "resumed" } else { "paused" };
                    self.toasts.success(format!("“{}” is {verb}.", export.name));
                    self.put(export);
                }
                Err(error) => {
                    self.toasts.error(error.message);
                    self.put(before);
                }
            }
        });
    }

    fn delete(self, export: ScheduledExportDto) {
        self.list.update(|l| l.retain(|e| e.id != export.id));
        spawn_local(async move {
            match api::delete(&format!("/scheduled-exports/{}", export.id)).await {
                Ok(()) => self.toasts.success(format!("“{}” was deleted.", export.name)),
                Err(error) => {
                    self.toasts.error(error.message);
                    self.put(export);
                }
            }
        });
    }
}

/// The server keeps schedules to managers and admins; others who find the address are
/// told so.
#[component]
pub fn ScheduledExports() -> impl IntoView {
    let session = use_session();
    view! {
        <Show
            when=move || session.can(Permission::EditAllRecords)
            fallback=|| {
                view! {
                    <section class="card">
                        <EmptyState
                            icon=icondata::LuLock
                            title="Only managers and admins can schedule exports"
                            text="Ask a manager or an admin of your organization to send you a list regularly."
                        />
                    </section>
                }
            }
        >
            <ScheduleList />
        </Show>
    }
}

#[component]
fn ScheduleList() -> impl IntoView {
    let store = Store {
        list: RwSignal::new(Vec::new()),
        toasts: use_toasts(),
    };
    let loaded = LocalResource::new(|| api::get_all::<ScheduledExportDto>(ALL));
    Effect::new(move |_| {
        if let Some(Ok(list)) = loaded.get() {
            store.set(list);
        }
    });
    // The table is built once; its rows follow their own schedules from the store.
    let empty = Memo::new(move |_| store.list.with(Vec::is_empty));
    let my_email = StoredValue::new(use_session().me().map(|me| me.user.email));
    let new_open = RwSignal::new(false);
    let draft = RwSignal::new(new_draft(ImportEntity::Contacts, String::new(), my_email.get_value()));
    let open_new = move |_| {
        draft.set(new_draft(ImportEntity::Contacts, String::new(), my_email.get_value()));
        new_open.set(true);
    };

    // Coming from a list's "Schedule this export": open the dialog on that list, and take
    // the request off the address so a reload does not open it again.
    let query = use_query_map();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let (list, filters) = query.with_untracked(|q| (q.get("list"), q.get("filters")));
        if let Some(entity) = list.as_deref().and_then(ImportEntity::parse) {
            draft.set(ScheduledExportInput {
                name: format!("{} export", list_label(entity)),
                ..new_draft(entity, filters.unwrap_or_default(), my_email.get_value())
            });
            new_open.set(true);
            navigate(
                PATH,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });

    let doomed = RwSignal::new(None::<ScheduledExportDto>);
    let confirm_open = RwSignal::new(false);
    let confirm_text = Signal::derive(move || {
        doomed.with(|d| {
            d.as_ref().map_or_else(String::new, |e| {
                format!(
                    "“{}” stops running. Files of its past runs can still be downloaded until they expire.",
                    e.name
                )
            })
        })
    });
    let ask_delete = Callback::new(move |export: ScheduledExportDto| {
        doomed.set(Some(export));
        confirm_open.set(true);
    });
    let new_button = move || {
        view! {
            <button class="btn btn-primary" data-testid="new-schedule" on:click=open_new>
                <Icon icon=icondata::LuPlus />
                "New schedule"
            </button>
        }
    };
    view! {
        <section class="card" data-testid="scheduled-exports">
            <div class="card-head">
                <div>
                    <h2 class="card-title">"Scheduled exports"</h2>
                    <p class="muted">
                        {format!(
                            "Lists emailed to your team on a schedule, with their filters, as CSV or Excel. \
                             Each run's file can be downloaded for {RUN_FILE_DAYS} days."
                        )}
                    </p>
                </div>
                {new_button}
            </div>
            {move || match loaded.get() {
                None => view! { <SkeletonTable rows=3 columns=6 /> }.into_any(),
                Some(Err(e)) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                Some(Ok(_)) if empty.get() => {
                    view! {
                        <EmptyState
                            icon=icondata::LuCalendarClock
                            title="No scheduled exports yet"
                            text="Send a list to your team every day, week or month. Start here, or from the Export menu of a list."
                        >
                            {new_button}
                        </EmptyState>
                    }
                        .into_any()
                }
                Some(Ok(_)) => {
                    view! {
                        <div class="table-wrap">
                            <table class="table table-dense" data-testid="schedules-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Export"</th>
                                        <th scope="col">"Schedule"</th>
                                        <th scope="col">"Next run"</th>
                                        <th scope="col">"Last run"</th>
                                        <th scope="col">"On"</th>
                                        <th scope="col" class="cell-end">
                                            <span class="visually-hidden">"Actions"</span>
                                        </th>
                                    </tr>
                                </thead>
                                <For each=move || store.list.get() key=|e| e.id let:export>
                                    <ScheduleRow initial=export store=store on_delete=ask_delete />
                                </For>
                            </table>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
        <ScheduleDialog open=new_open draft=draft on_saved=Callback::new(move |export| store.put(export)) />
        <ConfirmDialog
            open=confirm_open
            title="Delete this scheduled export?"
            message=confirm_text
            confirm_label="Delete"
            on_confirm=Callback::new(move |_| {
                if let Some(export) = doomed.get_untracked() {
                    store.delete(export);
                }
            })
        />
    }
}
