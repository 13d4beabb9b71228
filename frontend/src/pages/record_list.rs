//! What the list pages of contacts, companies and deals share: the filters every record
//! list has, and the page around the table. Each page adds its columns, its own filters
//! and its header buttons.

use crate::components::{Column, DataTable, EmptyText, ListRow, ListState, SelectionAction};
use crate::custom_fields::{self, CustomFieldList, CustomFilter};
use crate::session::use_session;
use crate::tag_list::TagList;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::notes::RecordKind;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_use_signal_debounce_throttle::signal_debounced;

/// How long typing in a filter box pauses before the list asks the server again.
const TYPING_PAUSE_MS: f64 = 250.0;

/// What a record list page holds: the team, tags and custom fields its cells name, where
/// the list is, the search, owner, tag and custom field filters every record list has,
/// and whether its "New …" dialog is open.
#[derive(Clone, Copy)]
pub struct ListPage {
    pub team: Team,
    pub tags: TagList,
    pub fields: CustomFieldList,
    pub list: ListState,
    pub search: RwSignal<String>,
    pub owner: RwSignal<String>,
    pub tag: RwSignal<String>,
    pub custom: RwSignal<Vec<(&'static str, String)>>,
    pub create_open: RwSignal<bool>,
}

impl ListPage {
    /// `default_sort` in the API's form, e.g. `last_name` or `-created_at`.
    pub fn new(default_sort: &str, entity: CustomFieldEntity) -> Self {
        Self {
            team: Team::load(),
            tags: TagList::load(),
            fields: CustomFieldList::load(entity),
            list: ListState::new(default_sort),
            search: RwSignal::new(String::new()),
            owner: RwSignal::new(String::new()),
            tag: RwSignal::new(String::new()),
            custom: RwSignal::new(Vec::new()),
            create_open: RwSignal::new(false),
        }
    }

    /// The list's query pairs: the search, then the page's `own` filters, then owner and
    /// tag. The table and the export both read them.
    pub fn filters(
        self,
        own: impl Fn() -> Vec<(&'static str, String)> + Send + Sync + 'static,
    ) -> Signal<Vec<(&'static str, String)>> {
        let q = typed(self.search);
        Signal::derive(move || {
            let mut pairs = vec![("q", q.get())];
            pairs.extend(own());
            pairs.push(("owner_id", self.owner.get()));
            pairs.push(("tag", self.tag.get()));
            pairs.extend(self.custom.get());
            pairs
        })
    }
}

/// A typed filter as the list sends it: once typing pauses, not at every key.
pub fn typed(input: RwSignal<String>) -> Signal<String> {
    signal_debounced(input, TYPING_PAUSE_MS)
}

/// A record list: the page header with the page's buttons and "New …", then the table
/// with the search box and the page's `children` (its other filters) in its toolbar.
#[component]
pub fn RecordListPage<T: ListRow>(
    page: ListPage,
    kind: RecordKind,
    title: &'static str,
    /// The line under the title.
    intro: &'static str,
    /// The header's buttons before "New …".
    #[prop(into)]
    actions: ViewFn,
    /// The icon of the "New …" button.
    new_icon: icondata::Icon,
    columns: Vec<Column<T>>,
    /// A row's custom values, which fill a column per custom field.
    custom_values: fn(&T) -> &CustomValues,
    #[prop(into)] filters: Signal<Vec<(&'static str, String)>>,
    empty: EmptyText,
    search_placeholder: &'static str,
    /// For lists with many columns: the page takes the whole width.
    #[prop(optional)]
    wide: bool,
    /// Tighter table gutters, for lists with many columns.
    #[prop(optional)]
    dense: bool,
    /// The page's own actions on selected rows.
    #[prop(optional)]
    selection_actions: Vec<SelectionAction>,
    children: ChildrenFn,
) -> impl IntoView {
    let session = use_session();
    let ListPage {
        team,
        tags,
        list,
        search,
        create_open,
        fields,
        custom,
        ..
    } = page;
    let new_button = move || {
        session.can(Permission::EditOwnRecords).then(|| {
            view! {
                <button
                    class="btn btn-primary"
                    data-testid=format!("new-{}", kind.as_str())
                    on:click=move |_| create_open.set(true)
                >
                    <Icon icon=new_icon />
                    {format!("New {}", kind.as_str())}
                </button>
            }
        })
    };
    view! {
        <div class=if wide { "page page-wide" } else { "page" }>
            <header class="page-header">
                <div>
                    <h1>{title}</h1>
                    <p class="muted">{intro}</p>
                </div>
                <div class="page-actions">
                    {actions.run()}
                    {new_button}
                </div>
            </header>
            // The columns include one per custom field: the table waits for them.
            {move || {
                fields
                    .loaded()
                    .then(|| {
                        let mut columns = columns.clone();
                        columns.extend(custom_fields::columns(&fields.get(), team, custom_values));
                        let children = children.clone();
                        view! {
                            <DataTable
                                kind=kind
                                columns=columns
                                state=list
                                filters=filters
                                team=team
                                tags=tags
                                dense=dense
                                selection_actions=selection_actions.clone()
                                empty=empty.clone()
                                empty_action=new_button
                            >
                                <div class="search search-inline">
                                    <Icon icon=icondata::LuSearch />
                                    <input
                                        type="search"
                                        placeholder=search_placeholder
                                        aria-label=format!("Search {}", kind.plural())
                                        prop:value=move || search.get()
                                        on:input=move |ev| search.set(event_target_value(&ev))
                                    />
                                </div>
                                {children()}
                                <CustomFilter fields=fields pairs=custom />
                            </DataTable>
                        }
                    })
            }}
        </div>
    }
}
