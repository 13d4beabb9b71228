use super::form::ContactDialog;
use super::stage::{StageBadge, stage_options};
use crate::components::{
    Column, EmptyText, ExportMenu, ListRow, OwnerFilter, ScoreFilter, SelectionAction, TagFilter, or_dash,
    score_band_pairs, score_column, tags_column,
};
use crate::format::{date, initials};
use crate::pages::imports::ImportButton;
use crate::pages::marketing::{CampaignForContactsDialog, EnrollDialog};
use crate::pages::merge::{FindDuplicates, MergeKind};
use crate::pages::record_list::{ListPage, RecordListPage};
use crate::tag_list::TagList;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::notes::RecordKind;
use kite_shared::imports::ImportEntity;
use leptos::prelude::*;
use leptos_router::components::A;
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
        score_column(|c: &ContactDto| c.score.as_ref()),
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
    let page = ListPage::new("last_name", CustomFieldEntity::Contact);
    let stage = RwSignal::new(String::new());
    let band = RwSignal::new(String::new());
    let filters = page.filters(move || {
        let mut pairs = vec![("lifecycle_stage", stage.get())];
        pairs.extend(score_band_pairs(&band.get()));
        pairs
    });
    let empty = EmptyText {
        icon: icondata::LuUsers,
        title: "No contacts yet",
        text: "Add the people you sell to, with their company and where they are in the journey.",
        no_match_title: "No contacts match",
        no_match_text: "Try another search, stage, score or owner.",
    };
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let enroll_open = RwSignal::new(false);
    let campaign_open = RwSignal::new(false);
    let selection_actions = vec![
        SelectionAction {
            label: "Add to sequence…",
            testid: "bulk-enroll",
            icon: icondata::LuListOrdered,
            permission: Permission::EditOwnRecords,
            run: Callback::new(move |ids| {
                chosen.set(ids);
                enroll_open.set(true);
            }),
        },
        SelectionAction {
            label: "Email campaign…",
            testid: "bulk-campaign",
            icon: icondata::LuMail,
            permission: Permission::ManageCampaigns,
            run: Callback::new(move |ids| {
                chosen.set(ids);
                campaign_open.set(true);
            }),
        },
    ];
    view! {
        <RecordListPage
            page=page
            kind=RecordKind::Contact
            title="Contacts"
            intro="The people you sell to."
            actions=move || {
                view! {
                    <ExportMenu kind=RecordKind::Contact state=page.list filters=filters />
                    <FindDuplicates kind=MergeKind::Contact />
                    <ImportButton entity=ImportEntity::Contacts />
                }
            }
            new_icon=icondata::LuUserPlus
            custom_values=|r: &ContactDto| &r.custom_fields
            columns=columns(page.team, page.tags)
            filters=filters
            empty=empty
            search_placeholder="Search by name, email or phone"
            dense=true
            selection_actions=selection_actions
        >
            <select aria-label="Filter by lifecycle stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                <option value="">"All stages"</option>
                {stage_options().into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
            <ScoreFilter value=band />
            <OwnerFilter value=page.owner team=page.team />
            <TagFilter value=page.tag tags=page.tags />
        </RecordListPage>
        <ContactDialog open=page.create_open team=page.team on_saved=Callback::new(move |_| page.list.reload()) />
        <EnrollDialog open=enroll_open contact_ids=chosen on_enrolled=Callback::new(move |_| page.list.reload()) />
        <CampaignForContactsDialog open=campaign_open contact_ids=chosen />
    }
}
