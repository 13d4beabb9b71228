//! Deleted contacts, companies and deals, newest deletion first, for an admin to restore.

use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::{date_time, relative};
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::Permission;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::trash::TrashItem;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

const PER_PAGE: u64 = 25;

const KINDS: [(RecordKind, &str); 3] = [
    (RecordKind::Contact, "Contacts"),
    (RecordKind::Company, "Companies"),
    (RecordKind::Deal, "Deals"),
];

/// The server keeps the trash to admins; others who find the address are told so.
#[component]
pub fn Trash() -> impl IntoView {
    let session = use_session();
    view! {
        <Show
            when=move || session.can(Permission::ManageOrganization)
            fallback=|| {
                view! {
                    <section class="card">
                        <EmptyState
                            icon=icondata::LuLock
                            title="Only admins can open the trash"
                            text="Ask an admin of your organization to restore a deleted record."
                        />
                    </section>
                }
            }
        >
            <TrashList />
        </Show>
    }
}

#[component]
fn TrashList() -> impl IntoView {
    let toasts = use_toasts();
    let kind = RwSignal::new(RecordKind::Contact);
    let reload = RwSignal::new(0u32);
    let restoring = RwSignal::new(None::<Uuid>);
    // Another kind starts again from its first page.
    let query = Memo::new(move |_| {
        format!(
            "/trash{}",
            api::query(&[
                ("kind", Some(kind.get().as_str().to_owned())),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        )
    });
    let cursors = Cursors::new(query);
    let items = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<TrashItem>>(&path).await }
    });
    let page_info = Signal::derive(move || items.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    // Restoring the last record of a later page would leave the user on a blank page.
    Effect::new(move |_| {
        let emptied = items.with(|r| matches!(r, Some(Ok(list)) if list.items.is_empty()));
        if emptied && untrack(|| cursors.index()) > 0 {
            cursors.previous();
        }
    });
    let restore = move |item: TrashItem| {
        restoring.set(Some(item.id));
        spawn_local(async move {
            let path = format!("/{}/{}/restore", item.kind.plural(), item.id);
            let result = api::post::<serde_json::Value>(&path, &()).await;
            restoring.set(None);
            match result {
                Ok(_) => {
                    toasts.success(format!("{} was restored.", item.name));
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let tab = move |which: RecordKind, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="pill-tab"
                data-kind=which.as_str()
                aria-selected=move || (kind.get() == which).to_string()
                on:click=move |_| kind.set(which)
            >
                {label}
            </button>
        }
    };
    view! {
        <section class="card">
            <p class="muted">
                "Deleted records stay here until an admin restores them. A restored record comes back "
                "with its notes, activities and history."
            </p>
            <div class="pill-tabs" role="tablist" aria-label="Kind of record">
                {KINDS.into_iter().map(|(which, label)| tab(which, label)).collect_view()}
            </div>
            <Transition fallback=|| view! { <SkeletonTable rows=5 columns=3 /> }>
                {move || {
                    items
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.items.is_empty() => {
                                let kind = kind.get_untracked().plural();
                                view! {
                                    <EmptyState
                                        icon=icondata::LuTrash2
                                        title=format!("No deleted {kind}")
                                        text=format!("Deleted {kind} show up here, and can be restored.")
                                    />
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <div class="table-wrap">
                                        <table class="table" data-testid="trash-table">
                                            <thead>
                                                <tr>
                                                    <th scope="col">"Name"</th>
                                                    <th scope="col">"Deleted"</th>
                                                    <th scope="col" class="cell-end">
                                                        <span class="visually-hidden">"Actions"</span>
                                                    </th>
                                                </tr>
                                            </thead>
                                            <tbody>
                                                {list
                                                    .items
                                                    .into_iter()
                                                    .map(|item| {
                                                        let id = item.id;
                                                        let name = item.name.clone();
                                                        let when = relative(&item.deleted_at);
                                                        let exactly = date_time(&item.deleted_at);
                                                        view! {
                                                            <tr data-id=id.to_string()>
                                                                <td class="cell-primary">{name.clone()}</td>
                                                                <td class="muted nowrap" title=exactly>
                                                                    {when}
                                                                </td>
                                                                <td class="cell-end">
                                                                    <button
                                                                        type="button"
                                                                        class="btn btn-secondary btn-small"
                                                                        aria-label=format!("Restore {name}")
                                                                        data-testid="restore"
                                                                        disabled=move || restoring.get() == Some(id)
                                                                        on:click=move |_| restore(item.clone())
                                                                    >
                                                                        <Icon icon=icondata::LuArchiveRestore />
                                                                        "Restore"
                                                                    </button>
                                                                </td>
                                                            </tr>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </tbody>
                                        </table>
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
            <Pager cursors=cursors per_page=PER_PAGE page=page_info />
        </section>
    }
}
