//! Deals as a table: every pipeline and outcome at once, sorted and filtered, with the
//! bulk actions the board has no room for.

use super::form::DealDialog;
use super::status::status_badge_parts;
use super::view_switch::ViewSwitch;
use crate::api::{self, ApiError};
use crate::components::{
    Column, EmptyText, ExportMenu, ListRow, OwnerFilter, ScoreFilter, TagFilter, score_band_pairs, score_column,
    tags_column,
};
use crate::format::{date, day};
use crate::pages::record_list::{ListPage, RecordListPage};
use crate::tag_list::TagList;
use crate::team::Team;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::deals::DealDto;
use kite_shared::crm::money::format_money;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::pipelines::PipelineDto;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

type Pipelines = LocalResource<Result<Vec<PipelineDto>, ApiError>>;

impl ListRow for DealDto {
    fn id(&self) -> Uuid {
        self.id
    }

    fn name(&self) -> String {
        self.title.clone()
    }
}

/// The stage's name; empty while the pipelines load, so no id flashes up.
fn stage_name(pipelines: Pipelines, stage: Uuid) -> String {
    pipelines.with(|p| {
        p.as_ref()
            .and_then(|r| r.as_ref().ok())
            .and_then(|list| list.iter().flat_map(|p| &p.stages).find(|s| s.id == stage))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    })
}

fn columns(team: Team, pipelines: Pipelines, tags: TagList) -> Vec<Column<DealDto>> {
    vec![
        Column::new("title", "Title", |d: &DealDto| {
            let title = d.title.clone();
            view! { <A href=format!("/deals/{}", d.id)>{title}</A> }.into_any()
        })
        .sort("title")
        .cell_class("cell-primary"),
        Column::new("value", "Value", |d: &DealDto| {
            format_money(d.value.minor, &d.value.currency).into_any()
        })
        .sort("value")
        .cell_class("cell-number nowrap"),
        Column::new("stage", "Stage", move |d: &DealDto| {
            let stage = d.stage_id;
            (move || stage_name(pipelines, stage)).into_any()
        })
        .cell_class("nowrap"),
        Column::new("status", "Status", |d: &DealDto| {
            let (class, label) = status_badge_parts(d.status);
            view! { <span class=class data-status=d.status.as_str()>{label}</span> }.into_any()
        }),
        score_column(|d: &DealDto| d.score.as_ref()),
        tags_column(tags, |d: &DealDto| &d.tags),
        Column::new("probability", "Probability", |d: &DealDto| {
            format!("{}%", d.probability).into_any()
        })
        .sort("probability")
        .class("hide-narrow")
        .cell_class("cell-number muted")
        .hidden(),
        Column::new("owner", "Owner", move |d: &DealDto| {
            let owner = d.owner_id;
            (move || team.name_of(owner)).into_any()
        })
        .class("hide-narrow")
        .cell_class("nowrap"),
        Column::new("expected_close", "Expected close", |d: &DealDto| {
            d.expected_close.as_ref().map_or_else(|| "—".to_owned(), day).into_any()
        })
        .sort("expected_close")
        .class("hide-narrow")
        .cell_class("muted nowrap"),
        Column::new("company", "Company", |d: &DealDto| {
            match (d.company_id, d.company_name.clone()) {
                (Some(id), Some(name)) => view! { <A href=format!("/companies/{id}")>{name}</A> }.into_any(),
                _ => view! { <span class="muted">"—"</span> }.into_any(),
            }
        })
        .class("hide-narrow"),
        Column::new("created", "Created", |d: &DealDto| date(&d.created_at).into_any())
            .sort("created_at")
            .class("hide-narrow")
            .cell_class("muted nowrap")
            .hidden(),
    ]
}

#[component]
pub fn DealList() -> impl IntoView {
    let page = ListPage::new("-created_at", CustomFieldEntity::Deal);
    let pipelines: Pipelines = LocalResource::new(|| api::get::<Vec<PipelineDto>>("/pipelines"));
    let status = RwSignal::new(String::new());
    let pipeline = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let band = RwSignal::new(String::new());
    let filters = page.filters(move || {
        let mut pairs = vec![
            ("status", status.get()),
            ("pipeline_id", pipeline.get()),
            ("stage_id", stage.get()),
        ];
        pairs.extend(score_band_pairs(&band.get()));
        pairs
    });
    let all_pipelines = move || pipelines.get().and_then(Result::ok).unwrap_or_default();
    // One pipeline needs no choosing; with several, stages are named with their pipeline
    // until one is chosen, since each pipeline has its own "Qualified".
    let pipeline_filter = move || {
        let list = all_pipelines();
        (list.len() > 1).then(|| {
            view! {
                <select
                    aria-label="Filter by pipeline"
                    on:change=move |ev| {
                        pipeline.set(event_target_value(&ev));
                        stage.set(String::new());
                    }
                >
                    <option value="">"All pipelines"</option>
                    {list
                        .into_iter()
                        .map(|p| {
                            let id = p.id.to_string();
                            let selected = id == pipeline.get_untracked();
                            view! { <option value=id selected=selected>{p.name}</option> }
                        })
                        .collect_view()}
                </select>
            }
        })
    };
    let stage_options = move || {
        let list = all_pipelines();
        let chosen = pipeline.get();
        let named = list.len() > 1 && chosen.is_empty();
        list.into_iter()
            .filter(|p| chosen.is_empty() || p.id.to_string() == chosen)
            .flat_map(|p| {
                let pipeline_name = p.name;
                p.stages.into_iter().map(move |s| {
                    let label = if named {
                        format!("{pipeline_name} · {}", s.name)
                    } else {
                        s.name
                    };
                    (s.id.to_string(), label)
                })
            })
            .map(|(id, label)| {
                let selected = {
                    let id = id.clone();
                    move || stage.with(|s| *s == id)
                };
                view! { <option value=id prop:selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let empty = EmptyText {
        icon: icondata::LuHandshake,
        title: "No deals yet",
        text: "Add the opportunities you are working on, with their value and expected close.",
        no_match_title: "No deals match",
        no_match_text: "Try another search, status, owner or stage.",
    };
    view! {
        <RecordListPage
            page=page
            kind=RecordKind::Deal
            title="Deals"
            intro="Every deal in one table: sort, filter, and act on many at once."
            actions=move || {
                view! {
                    <ViewSwitch />
                    <ExportMenu kind=RecordKind::Deal state=page.list filters=filters />
                }
            }
            new_icon=icondata::LuPlus
            custom_values=|r: &DealDto| &r.custom_fields
            columns=columns(page.team, pipelines, page.tags)
            filters=filters
            empty=empty
            search_placeholder="Search by title"
            wide=true
            dense=true
        >
            <select aria-label="Filter by status" on:change=move |ev| status.set(event_target_value(&ev))>
                <option value="">"All statuses"</option>
                <option value="open">"Open"</option>
                <option value="won">"Won"</option>
                <option value="lost">"Lost"</option>
            </select>
            <OwnerFilter value=page.owner team=page.team />
            <ScoreFilter value=band />
            <TagFilter value=page.tag tags=page.tags />
            {pipeline_filter}
            <select aria-label="Filter by stage" on:change=move |ev| stage.set(event_target_value(&ev))>
                <option value="" prop:selected=move || stage.with(String::is_empty)>
                    "All stages"
                </option>
                {stage_options}
            </select>
        </RecordListPage>
        <DealDialog open=page.create_open team=page.team on_saved=Callback::new(move |_| page.list.reload()) />
    }
}
