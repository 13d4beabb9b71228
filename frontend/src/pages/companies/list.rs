use super::form::CompanyDialog;
use crate::components::{Column, EmptyText, ExportMenu, ListRow, OwnerFilter, TagFilter, or_dash, tags_column};
use crate::format::date;
use crate::pages::imports::ImportButton;
use crate::pages::merge::{FindDuplicates, MergeKind};
use crate::pages::record_list::{ListPage, RecordListPage, typed};
use crate::tag_list::TagList;
use crate::team::Team;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::notes::RecordKind;
use kite_shared::imports::ImportEntity;
use leptos::prelude::*;
use leptos_router::components::A;
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
    let page = ListPage::new("name", CustomFieldEntity::Company);
    let industry = RwSignal::new(String::new());
    let industry_q = typed(industry);
    let filters = page.filters(move || vec![("industry", industry_q.get())]);
    let empty = EmptyText {
        icon: icondata::LuBuilding2,
        title: "No companies yet",
        text: "Add the organizations you sell to, then link their people to them.",
        no_match_title: "No companies match",
        no_match_text: "Try another search, industry or owner.",
    };
    view! {
        <RecordListPage
            page=page
            kind=RecordKind::Company
            title="Companies"
            intro="The organizations your contacts work for."
            actions=move || {
                view! {
                    <ExportMenu kind=RecordKind::Company state=page.list filters=filters />
                    <FindDuplicates kind=MergeKind::Company />
                    <ImportButton entity=ImportEntity::Companies />
                }
            }
            new_icon=icondata::LuPlus
            custom_values=|r: &CompanyDto| &r.custom_fields
            columns=columns(page.team, page.tags)
            filters=filters
            empty=empty
            search_placeholder="Search by name or domain"
        >
            <input
                type="search"
                class="filter-input"
                placeholder="Industry"
                aria-label="Filter by industry"
                prop:value=move || industry.get()
                on:input=move |ev| industry.set(event_target_value(&ev))
            />
            <OwnerFilter value=page.owner team=page.team />
            <TagFilter value=page.tag tags=page.tags />
        </RecordListPage>
        <CompanyDialog open=page.create_open team=page.team on_saved=Callback::new(move |_| page.list.reload()) />
    }
}
