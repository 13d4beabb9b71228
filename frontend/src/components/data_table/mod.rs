//! The list page of a kind of record: a table with sortable headers, a column chooser,
//! row selection with bulk actions, loading skeletons, empty states and the pager.
//! Contacts, companies and deals describe their columns and filters; this does the rest,
//! so every list of the app behaves the same.

mod bulk;
mod bulk_tag;
mod column;
mod columns_menu;
mod export;
mod owner_filter;
mod tags;

pub use bulk::SelectionAction;
pub use column::{Column, ListRow};
pub use export::{DownloadMenu, ExportMenu};
pub use owner_filter::OwnerFilter;
pub use tags::{TagFilter, tags_column};

use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable, SortableHeader};
use crate::session::use_session;
use crate::tag_list::TagList;
use crate::team::Team;
use bulk::BulkBar;
use columns_menu::{ColumnChooser, load_visible};
use kite_shared::Permission;
use kite_shared::crm::notes::RecordKind;
use kite_shared::page::Page;
use leptos::prelude::*;
use std::collections::HashSet;
use uuid::Uuid;

const PER_PAGE: u64 = 25;

/// Where a list is: its order, and a counter that refetches it when bumped (after a
/// record was created elsewhere on the page). The page creates it, so its own dialogs
/// can reload the list.
#[derive(Clone, Copy)]
pub struct ListState {
    pub sort: RwSignal<String>,
    reload: RwSignal<u32>,
}

impl ListState {
    /// `default_sort` in the API's form, e.g. `last_name` or `-created_at`.
    pub fn new(default_sort: &str) -> Self {
        Self {
            sort: RwSignal::new(default_sort.to_owned()),
            reload: RwSignal::new(0),
        }
    }

    pub fn reload(&self) {
        self.reload.update(|n| *n += 1);
    }
}

/// What the list says when it has nothing: once for an empty organization (with the
/// page's "New …" button), once for filters that match nothing.
#[derive(Clone)]
pub struct EmptyText {
    pub icon: icondata::Icon,
    pub title: &'static str,
    pub text: &'static str,
    pub no_match_title: &'static str,
    pub no_match_text: &'static str,
}

/// The query of a list's filters (an empty value means "any") and order, shared by the
/// table and its export, so a download is always the list on screen.
fn list_pairs(filters: &[(&'static str, String)], sort: &str) -> Vec<(&'static str, Option<String>)> {
    let mut pairs: Vec<(&'static str, Option<String>)> = filters
        .iter()
        .map(|(key, value)| (*key, Some(value.trim().to_owned())))
        .collect();
    pairs.push(("sort", Some(sort.to_owned())));
    pairs
}

/// `filters` are the API's query pairs (an empty value means "any"); the page owns the
/// inputs that set them and passes those inputs as `children`, which go in the toolbar.
#[component]
pub fn DataTable<T: ListRow>(
    kind: RecordKind,
    columns: Vec<Column<T>>,
    state: ListState,
    #[prop(into)] filters: Signal<Vec<(&'static str, String)>>,
    team: Team,
    /// The organization's tags, refreshed after a bulk action may have made one.
    tags: TagList,
    empty: EmptyText,
    /// Shown under the empty state of an empty organization, e.g. "New contact".
    #[prop(optional, into)]
    empty_action: Option<ViewFn>,
    /// Tighter gutters, for lists with many columns.
    #[prop(optional)]
    dense: bool,
    /// The page's own actions on selected rows.
    #[prop(optional)]
    selection_actions: Vec<SelectionAction>,
    children: Children,
) -> impl IntoView {
    let session = use_session();
    let ListState { sort, reload } = state;
    let selection_actions = StoredValue::new(selection_actions);
    // Reps may tag the records they own; the server refuses the others, with its reason.
    let can_tag = Signal::derive(move || session.can(Permission::EditOwnRecords));
    let can_assign = Signal::derive(move || session.can(Permission::EditAllRecords));
    let can_delete = Signal::derive(move || session.can(Permission::DeleteRecords));
    // Selecting rows is only for doing something to them.
    let selectable = Signal::derive(move || can_tag.get() || can_assign.get() || can_delete.get());
    let filtered = move || filters.with(|f| f.iter().any(|(_, v)| !v.trim().is_empty()));

    // Another filter or order starts again from the first page: the cursors belong to
    // this query.
    let query = Memo::new(move |_| {
        let mut pairs = filters.with(|f| list_pairs(f, &sort.get()));
        pairs.push(("per_page", Some(PER_PAGE.to_string())));
        format!("/{}{}", kind.plural(), api::query(&pairs))
    });
    let cursors = Cursors::new(query);
    let rows = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<T>>(&path).await }
    });
    let page_info = Signal::derive(move || rows.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    // While another order or filter loads, the old rows stay on screen: they are dimmed
    // and marked busy, so nobody reads them as the answer to the new question.
    let reloading = RwSignal::new(false);

    // A selection belongs to the rows on screen; new rows start unselected.
    let selected = RwSignal::new(HashSet::<Uuid>::new());
    let on_page = RwSignal::new(Vec::<Uuid>::new());
    Effect::new(move |_| {
        let ids = rows.with(|r| match r {
            Some(Ok(list)) => list.items.iter().map(ListRow::id).collect(),
            _ => Vec::new(),
        });
        selected.set(HashSet::new());
        on_page.set(ids);
    });

    let visible = load_visible(kind.plural(), &columns);
    let options: Vec<_> = columns.iter().map(|c| (c.key, c.label)).collect();
    let columns = StoredValue::new(columns);
    let shown = move || {
        visible
            .with(|v| columns.with_value(|all| all.iter().filter(|c| v.contains(&c.key)).cloned().collect::<Vec<_>>()))
    };
    let skeleton_columns = move || visible.with(Vec::len) + usize::from(selectable.get_untracked());
    let table_class = if dense { "table table-dense" } else { "table" };
    let testid = format!("{}-table", kind.plural());

    let table = move |items: Vec<T>| {
        let columns = shown();
        let all_on_page = move || {
            let ids = on_page.get();
            !ids.is_empty() && selected.with(|s| ids.iter().all(|id| s.contains(id)))
        };
        let some_on_page = move || selected.with(|s| on_page.with(|ids| ids.iter().any(|id| s.contains(id))));
        let toggle_all = move |_| {
            let ids = on_page.get_untracked();
            if all_on_page() {
                selected.update(|s| {
                    for id in &ids {
                        s.remove(id);
                    }
                });
            } else {
                selected.update(|s| s.extend(ids));
            }
        };
        let header = columns
            .iter()
            .map(|c| match c.sort {
                Some(key) => view! {
                    <SortableHeader
                        label=c.label
                        column=key
                        sort=sort
                        class=c.class
                        descending_first=c.descending_first
                        attr:data-column=c.key
                    />
                }
                .into_any(),
                None => view! { <th scope="col" class=c.class data-column=c.key>{c.label}</th> }.into_any(),
            })
            .collect_view();
        let body = items
            .into_iter()
            .map(|row| {
                let id = row.id();
                let is_selected = move || selected.with(|s| s.contains(&id));
                let cells = columns
                    .iter()
                    .map(|c| {
                        let class = format!("{} {}", c.class, c.cell_class);
                        view! { <td class=class.trim().to_owned() data-column=c.key>{(c.cell)(&row)}</td> }
                    })
                    .collect_view();
                let select = selectable.get_untracked().then(|| {
                    view! {
                        <td class="cell-select">
                            <input
                                type="checkbox"
                                aria-label=format!("Select {}", row.name())
                                prop:checked=is_selected
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected.update(|s| {
                                        if on {
                                            s.insert(id);
                                        } else {
                                            s.remove(&id);
                                        }
                                    });
                                }
                            />
                        </td>
                    }
                });
                view! {
                    <tr data-id=id.to_string() class:row-selected=is_selected>
                        {select}
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap" aria-busy=move || reloading.get().to_string()>
                <table class=table_class data-testid=testid.clone()>
                    <thead>
                        <tr>
                            {selectable
                                .get_untracked()
                                .then(|| {
                                    view! {
                                        <th scope="col" class="cell-select">
                                            <input
                                                type="checkbox"
                                                aria-label="Select every row on this page"
                                                data-testid="select-page"
                                                prop:checked=all_on_page
                                                prop:indeterminate=move || some_on_page() && !all_on_page()
                                                on:change=toggle_all
                                            />
                                        </th>
                                    }
                                })}
                            {header}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        }
    };

    view! {
        <section class="card">
            <div class="toolbar">
                {children()}
                <ColumnChooser options=options visible=visible list=kind.plural() />
            </div>
            <Show when=move || selectable.get() && !selected.with(HashSet::is_empty)>
                <BulkBar
                    kind=kind
                    selected=selected
                    team=team
                    tags=tags
                    can_tag=can_tag
                    can_assign=can_assign
                    can_delete=can_delete
                    on_done=Callback::new(move |_| {
                        selected.set(HashSet::new());
                        reload.update(|n| *n += 1);
                        tags.refetch();
                    })
                    actions=selection_actions.get_value()
                />
            </Show>
            <Transition
                fallback=move || view! { <SkeletonTable rows=6 columns=skeleton_columns() /> }
                set_pending=reloading
            >
                {move || {
                    rows.get()
                        .map(|result| match result {
                            Ok(list) if list.items.is_empty() && filtered() => {
                                view! { <EmptyState icon=icondata::LuSearchX title=empty.no_match_title text=empty.no_match_text /> }
                                    .into_any()
                            }
                            Ok(list) if list.items.is_empty() => match empty_action.clone() {
                                Some(action) => view! {
                                    <EmptyState icon=empty.icon title=empty.title text=empty.text>
                                        {action.run()}
                                    </EmptyState>
                                }
                                    .into_any(),
                                None => view! { <EmptyState icon=empty.icon title=empty.title text=empty.text /> }.into_any(),
                            },
                            Ok(list) => table(list.items).into_any(),
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
            <Pager cursors=cursors per_page=PER_PAGE page=page_info />
        </section>
    }
}
