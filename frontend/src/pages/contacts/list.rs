use super::form::ContactDialog;
use super::stage::{StageBadge, stage_options};
use crate::components::{
    Column, DataTable, EmptyText, ExportMenu, ListRow, ListState, OwnerFilter, TagFilter, or_dash, tags_column,
};
use crate::format::{date, initials};
use crate::pages::imports::ImportButton;
use crate::pages::merge::{FindDuplicates, MergeKind};
use crate::session::use_session;
use crate::tag_list::TagList;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::notes::RecordKind;
use kite_shared::imports::ImportEntity;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_use_signal_debounce_throttle::signal_debounced;
use uuid::Uuid;

impl ListRow for ContactDto {
    fn id(&self) -> Uuid {
        self.id
    }

    fn name(&self) -> String {
        self.full_name()
    }
}

fn columns(team: Team, tags: TagList) -> Vec<Column<ContactDto>> {
    vec![
        Column::new("name", "Name", |c: &ContactDto| {
            let name = c.full_name();
            view! {
                <div class="person">
                    <span class="avatar avatar-small">{initials(&name)}</span>
                    <div>
                        <A href=format!("/contacts/{}", c.id)>{name.clone()}</A>
                        {c.title.clone().map(|t| view! { <div class="muted small">{t}</div> })}
                    </div>
                </div>
            }
            .into_any()
        })
        .sort("last_name")
        .cell_class("cell-primary"),
        Column::new("email", "Email", |c: &ContactDto| {
            view! { <span title=c.email.clone()>{or_dash(c.email.clone())}</span> }.into_any()
        })
        .sort("email")
        .class("hide-narrow")
        .cell_class("muted cell-truncate"),
        Column::new("phone", "Phone", |c: &ContactDto| or_dash(c.phone.clone()).into_any())
            .class("hide-narrow")
            .cell_class("muted nowrap")
            .hidden(),
        Column::new("company", "Company", |c: &ContactDto| {
            match (c.company_id, c.company_name.clone()) {
                (Some(id), Some(name)) => view! { <A href=format!("/companies/{id}")>{name}</A> }.into_any(),
                _ => view! { <span class="muted">"—"</span> }.into_any(),
            }
        })
        .class("hide-narrow"),
        Column::new("lifecycle", "Lifecycle", |c: &ContactDto| {
            view! { <StageBadge stage=c.lifecycle_stage /> }.into_any()
        })
        .sort("lifecycle_stage"),
        tags_column(tags, |c: &ContactDto| &c.tags),
        Column::new("source", "Source", |c: &ContactDto| {
            or_dash(c.source.clone()).into_any()
        })
        .class("hide-narrow")
        .cell_class("muted")
        .hidden(),
        Column::new("owner", "Owner", move |c: &ContactDto| {
            let owner = c.owner_id;
            (move || team.name_of(owner)).into_any()
        })
        .class("hide-narrow")
        .cell_class("nowrap"),
        Column::new("created", "Created", |c: &ContactDto| date(&c.created_at).into_any())
            .sort("created_at")
            .class("hide-narrow")
            .cell_class("muted nowrap"),
        Column::new("updated", "Updated", |c: &ContactDto| date(&c.updated_at).into_any())
            .sort("updated_at")
            .class("hide-narrow")
            .cell_class("muted nowrap")
            .hidden(),
    ]
}

#[component]
pub fn ContactList() -> impl IntoView {
    let session = use_session();
    let can_create = move || session.can(Permission::EditOwnRecords);
    let team = Team::load();
    let tags = TagList::load();
    let list = ListState::new("last_name");
    let search = RwSignal::new(String::new());
    let q = signal_debounced(search, 250.0);
    let stage = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let create_open = RwSignal::new(false);
    let filters = Signal::derive(move || {
        vec![
            ("q", q.get()),
            ("lifecycle_stage", stage.get()),
            ("owner_id", owner.get()),
            ("tag", tag.get()),
        ]
    });
    let new_button = move || {
        can_create().then(|| {
            view! {
                <button class="btn btn-primary" data-testid="new-contact" on:click=move |_| create_open.set(true)>
                    <Icon icon=icondata::LuUserPlus />
                    "New contact"
                </button>
            }
        })
    };
    let empty = EmptyText {
        icon: icondata::LuUsers,
        title: "No contacts yet",
        text: "Add the people you sell to, with their company and where they are in the journey.",
        no_match_title: "No contacts match",
        no_match_text: "Try another search, stage or owner.",
    };
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Contacts"</h1>
                    <p class="muted">"The people you sell to."</p>
                </div>
                <div class="page-actions">
                    <ExportMenu kind=RecordKind::Contact state=list filters=filters />
                    <FindDuplicates kind=MergeKind::Contact />
                    <ImportButton entity=ImportEntity::Contacts />
                    {new_button}
                </div>
            </header>
            <DataTable
                kind=RecordKind::Contact
                columns=columns(team, tags)
                state=list
                filters=filters
                team=team
                tags=tags
                dense=true
                empty=empty
                empty_action=new_button
            >
                <div class="search search-inline">
                    <Icon icon=icondata::LuSearch />
                    <input
                        type="search"
                        placeholder="Search by name, email or phone"
                        aria-label="Search contacts"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                </div>
                <select aria-label="Filter by lifecycle stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                    <option value="">"All stages"</option>
                    {stage_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
                <OwnerFilter value=owner team=team />
                <TagFilter value=tag tags=tags />
            </DataTable>
        </div>
        <ContactDialog open=create_open team=team on_saved=Callback::new(move |_| list.reload()) />
    }
}
