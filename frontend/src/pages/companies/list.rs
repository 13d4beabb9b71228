use super::form::CompanyDialog;
use crate::components::{
    Column, DataTable, EmptyText, ExportMenu, ListRow, ListState, OwnerFilter, TagFilter, or_dash, tags_column,
};
use crate::format::date;
use crate::pages::imports::ImportButton;
use crate::pages::merge::{FindDuplicates, MergeKind};
use crate::session::use_session;
use crate::tag_list::TagList;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::notes::RecordKind;
use kite_shared::imports::ImportEntity;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use leptos_use_signal_debounce_throttle::signal_debounced;
use uuid::Uuid;

impl ListRow for CompanyDto {
    fn id(&self) -> Uuid {
        self.id
    }

    fn name(&self) -> String {
        self.name.clone()
    }
}

fn columns(team: Team, tags: TagList) -> Vec<Column<CompanyDto>> {
    vec![
        Column::new("name", "Name", |c: &CompanyDto| {
            let name = c.name.clone();
            view! { <A href=format!("/companies/{}", c.id)>{name}</A> }.into_any()
        })
        .sort("name")
        .cell_class("cell-primary"),
        Column::new("domain", "Domain", |c: &CompanyDto| {
            or_dash(c.domain.clone()).into_any()
        })
        .sort("domain")
        .class("hide-narrow")
        .cell_class("muted"),
        Column::new("industry", "Industry", |c: &CompanyDto| {
            or_dash(c.industry.clone()).into_any()
        })
        .sort("industry"),
        tags_column(tags, |c: &CompanyDto| &c.tags),
        Column::new("size", "Size", |c: &CompanyDto| or_dash(c.size.clone()).into_any())
            .class("hide-narrow")
            .cell_class("muted nowrap")
            .hidden(),
        Column::new("phone", "Phone", |c: &CompanyDto| or_dash(c.phone.clone()).into_any())
            .class("hide-narrow")
            .cell_class("muted nowrap")
            .hidden(),
        Column::new("owner", "Owner", move |c: &CompanyDto| {
            let owner = c.owner_id;
            (move || team.name_of(owner)).into_any()
        })
        .class("hide-narrow")
        .cell_class("nowrap"),
        Column::new("created", "Created", |c: &CompanyDto| date(&c.created_at).into_any())
            .sort("created_at")
            .class("hide-narrow")
            .cell_class("muted nowrap"),
        Column::new("updated", "Updated", |c: &CompanyDto| date(&c.updated_at).into_any())
            .sort("updated_at")
            .class("hide-narrow")
            .cell_class("muted nowrap")
            .hidden(),
    ]
}

#[component]
pub fn CompanyList() -> impl IntoView {
    let session = use_session();
    let can_create = move || session.can(Permission::EditOwnRecords);
    let team = Team::load();
    let tags = TagList::load();
    let list = ListState::new("name");
    let search = RwSignal::new(String::new());
    let q = signal_debounced(search, 250.0);
    let industry = RwSignal::new(String::new());
    let industry_q = signal_debounced(industry, 250.0);
    let owner = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let create_open = RwSignal::new(false);
    let filters = Signal::derive(move || {
        vec![
            ("q", q.get()),
            ("industry", industry_q.get()),
            ("owner_id", owner.get()),
            ("tag", tag.get()),
        ]
    });
    let new_button = move || {
        can_create().then(|| {
            view! {
                <button class="btn btn-primary" data-testid="new-company" on:click=move |_| create_open.set(true)>
                    <Icon icon=icondata::LuPlus />
                    "New company"
                </button>
            }
        })
    };
    let empty = EmptyText {
        icon: icondata::LuBuilding2,
        title: "No companies yet",
        text: "Add the organizations you sell to, then link their people to them.",
        no_match_title: "No companies match",
        no_match_text: "Try another search, industry or owner.",
    };
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Companies"</h1>
                    <p class="muted">"The organizations your contacts work for."</p>
                </div>
                <div class="page-actions">
                    <ExportMenu kind=RecordKind::Company state=list filters=filters />
                    <FindDuplicates kind=MergeKind::Company />
                    <ImportButton entity=ImportEntity::Companies />
                    {new_button}
                </div>
            </header>
            <DataTable
                kind=RecordKind::Company
                columns=columns(team, tags)
                state=list
                filters=filters
                team=team
                tags=tags
                empty=empty
                empty_action=new_button
            >
                <div class="search search-inline">
                    <Icon icon=icondata::LuSearch />
                    <input
                        type="search"
                        placeholder="Search by name or domain"
                        aria-label="Search companies"
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                </div>
                <input
                    type="search"
                    class="filter-input"
                    placeholder="Industry"
                    aria-label="Filter by industry"
                    prop:value=move || industry.get()
                    on:input=move |ev| industry.set(event_target_value(&ev))
                />
                <OwnerFilter value=owner team=team />
                <TagFilter value=tag tags=tags />
            </DataTable>
        </div>
        <CompanyDialog open=create_open team=team on_saved=Callback::new(move |_| list.reload()) />
    }
}
