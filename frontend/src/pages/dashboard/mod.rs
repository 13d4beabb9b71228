//! The dashboard: the user's grids of widgets (their role's template at first), the
//! ones managers share, and the editor that arranges them. Widgets follow the data live.

mod data;
mod gallery;
mod grid;
mod view;

pub use data::{Data, load_with, query_pairs};
pub use view::{MetricCard, ReportTableView, WidgetBody, table_of};

use crate::api;
use crate::session::use_session;
use crate::team::Team;
use gallery::Gallery;
use grid::Grid;
use kite_shared::Permission;
use kite_shared::analytics::dashboards::{DashboardDto, DashboardInput, Widget};
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

fn greeting() -> &'static str {
    match js_sys::Date::new_0().get_hours() {
        5..=11 => "Good morning",
        12..=17 => "Good afternoon",
        _ => "Good evening",
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let session = use_session();
    let toasts = crate::toast::use_toasts();
    let team = Team::load();
    let first_name = move || {
        session
            .me()
            .and_then(|m| m.user.name.split_whitespace().next().map(str::to_owned))
            .unwrap_or_default()
    };
    let list = LocalResource::new(|| api::get::<Vec<DashboardDto>>("/dashboards"));
    let selected = RwSignal::new(None::<Uuid>);
    let current = RwSignal::new(None::<DashboardDto>);
    let widgets = RwSignal::new(Vec::<Widget>::new());
    let undo = RwSignal::new(Vec::<Vec<Widget>>::new());
    let editing = RwSignal::new(false);
    let gallery = RwSignal::new(false);
    let version = RwSignal::new(0u32);
    // Deals moved on the board, won, imported; activities logged: every widget reloads,
    // coalesced so an import's thousands of changes make a handful of reloads.
    crate::live::on_record_changes(
        &["deal", "activity", "contact"],
        Callback::new(move |_| version.update(|v| *v += 1)),
    );
    Effect::new(move |_| {
        let Some(Ok(all)) = list.get() else { return };
        let want = selected.get();
        let chosen = want
            .and_then(|id| all.iter().find(|d| d.id == id))
            .or_else(|| all.first())
            .cloned();
        if chosen.as_ref().map(|d| d.id) != current.get_untracked().map(|d| d.id) {
            widgets.set(chosen.as_ref().map(|d| d.widgets.clone()).unwrap_or_default());
            undo.set(Vec::new());
            editing.set(false);
            current.set(chosen);
        }
    });
    let can_edit = move || current.get().is_some_and(|d| d.can_edit);
    let can_share = move || session.can(Permission::ViewTeamReports) && session.can(Permission::EditAllRecords);

    let save = move |next: Vec<Widget>, shared: Option<bool>| {
        let Some(dashboard) = current.get_untracked() else {
            return;
        };
        let before = widgets.get_untracked();
        widgets.set(next.clone());
        let input = DashboardInput {
            name: dashboard.name.clone(),
            shared: shared.unwrap_or(dashboard.shared),
            widgets: next,
        };
        spawn_local(async move {
            match api::put::<DashboardDto>(&format!("/dashboards/{}", dashboard.id), &input).await {
                Ok(saved) => current.set(Some(saved)),
                Err(error) => {
                    widgets.set(before);
                    toasts.error(error.explained());
                }
            }
        });
    };
    let change = Callback::new(move |next: Vec<Widget>| {
        undo.update(|u| u.push(widgets.get_untracked()));
        save(next, None);
    });
    let target = RwSignal::new(None::<Widget>);
    let save_widget = Callback::new(move |widget: Widget| {
        let mut next = widgets.get_untracked();
        match next.iter_mut().find(|w| w.id == widget.id) {
            // What it shows changes; where it is stays.
            Some(old) => {
                let rect = old.rect();
                *old = widget;
                old.set_rect(rect);
            }
            None => next.push(widget),
        }
        change.run(next);
    });
    let edit = Callback::new(move |widget: Widget| {
        target.set(Some(widget));
        gallery.set(true);
    });
    let undo_last = move |_| {
        let mut stack = undo.get_untracked();
        if let Some(previous) = stack.pop() {
            undo.set(stack);
            save(previous, None);
        }
    };
    let toggle_share = move |e: leptos::ev::Event| {
        let shared = event_target_checked(&e);
        save(widgets.get_untracked(), Some(shared));
    };
    let create = move |_| {
        spawn_local(async move {
            let input = DashboardInput {
                name: "New dashboard".into(),
                shared: false,
                widgets: Vec::new(),
            };
            match api::post::<DashboardDto>("/dashboards", &input).await {
                Ok(made) => {
                    selected.set(Some(made.id));
                    list.refetch();
                    editing.set(true);
                }
                Err(error) => toasts.error(error.message),
            }
        });
    };

    view! {
        <div class="page page-wide">
            <header class="page-header">
                <div>
                    <h1>{move || format!("{}, {}", greeting(), first_name())}</h1>
                    <p class="muted">{move || session.me().map(|m| m.organization.name).unwrap_or_default()}</p>
                </div>
                <div class="page-actions dash-toolbar">
                    <label class="visually-hidden" for="dashboard-picker">"Dashboard"</label>
                    <select
                        id="dashboard-picker"
                        data-testid="dashboard-picker"
                        prop:value=move || current.get().map(|d| d.id.to_string()).unwrap_or_default()
                        on:change=move |e| selected.set(event_target_value(&e).parse().ok())
                    >
                        {move || {
                            list.get()
                                .and_then(Result::ok)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|d| {
                                    let label = if d.can_edit { d.name.clone() } else { format!("{} (shared by {})", d.name, d.owner_name) };
                                    view! { <option value=d.id.to_string()>{label}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                    <Show when=move || editing.get()>
                        <button class="btn btn-secondary" on:click=move |_| gallery.set(true)>
                            <Icon icon=icondata::LuPlus />
                            "Add widget"
                        </button>
                        <button class="btn btn-secondary" disabled=move || undo.get().is_empty() on:click=undo_last>
                            <Icon icon=icondata::LuUndo2 />
                            "Undo"
                        </button>
                        <Show when=can_share>
                            <label class="checkbox">
                                <input
                                    type="checkbox"
                                    prop:checked=move || current.get().is_some_and(|d| d.shared)
                                    on:change=toggle_share
                                />
                                "Share with everyone"
                            </label>
                        </Show>
                    </Show>
                    <Show when=can_edit fallback=|| view! { <span class="badge">"Read-only"</span> }>
                        <button class="btn btn-primary" aria-pressed=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>
                            <Icon icon=icondata::LuLayoutDashboard />
                            {move || if editing.get() { "Done" } else { "Customize" }}
                        </button>
                    </Show>
                    <button class="btn btn-secondary" on:click=create>"New dashboard"</button>
                </div>
            </header>
            <Show when=move || session.can(Permission::ManageOrganization)>
                <DemoDataOffer />
            </Show>
            <crate::components::NextActions />
            <Show when=move || editing.get()>
                <p class="muted dash-hint">
                    "Drag a widget by its header to move it and by its corner to resize it. "
                    "With the keyboard: focus a widget, arrows move it, Shift and arrows resize it."
                </p>
            </Show>
            <Suspense fallback=|| view! { <crate::components::SkeletonRows rows=6 /> }>
                {move || list.get().map(|r| r.err().map(|e| view! { <p class="field-error">{e.message}</p> }))}
                <Show when=move || current.get().is_some()>
                    <Show
                        when=move || !widgets.get().is_empty()
                        fallback=move || view! {
                            <crate::components::EmptyState
                                icon=icondata::LuLayoutDashboard
                                title="This dashboard is empty"
                                text="Customize it and add widgets from the gallery."
                            />
                        }
                    >
                        <Grid widgets=widgets editing=editing version=version team=team on_change=change on_edit=edit />
                    </Show>
                </Show>
            </Suspense>
            <Gallery open=gallery target=target widgets=Signal::derive(move || widgets.get()) on_save=save_widget />
        </div>
    }
}

/// For an organization without records: one click fills it with a believable demo, so a
/// new team sees a living CRM before importing its own data.
#[component]
fn DemoDataOffer() -> impl IntoView {
    let toasts = crate::toast::use_toasts();
    let navigate = leptos_router::hooks::use_navigate();
    let empty = LocalResource::new(|| async {
        let contacts =
            api::get::<Page<kite_shared::crm::contacts::ContactDto>>("/contacts?per_page=1&total=false").await;
        let deals = api::get::<Page<kite_shared::crm::deals::DealDto>>("/deals?per_page=1&total=false").await;
        matches!((contacts, deals), (Ok(c), Ok(d)) if c.items.is_empty() && d.items.is_empty())
    });
    let busy = RwSignal::new(false);
    let load = move |_| {
        busy.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match api::post::<kite_shared::crm::DemoReport>("/demo-data", &serde_json::json!({})).await {
                Ok(report) => {
                    toasts.success(format!(
                        "Loaded {} companies, {} contacts and {} deals.",
                        report.companies, report.contacts, report.deals
                    ));
                    navigate("/deals", Default::default());
                }
                Err(error) => {
                    busy.set(false);
                    toasts.error(error.message);
                }
            }
        });
    };
    view! {
        <Show when=move || empty.get().unwrap_or(false)>
            <section class="card demo-offer" data-testid="demo-offer">
                <h2 class="card-title">
                    <Icon icon=icondata::LuSparkles />
                    "Your CRM is empty"
                </h2>
                <p class="muted">
                    "Import your contacts, add them by hand, or look around first with demo data: "
                    "companies, contacts, deals across your pipeline with their history, and activities. "
                    "Delete it any time."
                </p>
                <div>
                    <button class="btn btn-primary" disabled=move || busy.get() on:click=load.clone()>
                        {move || if busy.get() { "Loading…" } else { "Load demo data" }}
                    </button>
                </div>
            </section>
        </Show>
    }
}
