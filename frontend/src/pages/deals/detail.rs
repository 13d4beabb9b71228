use super::approval_dialog::{ApprovalAsk, ApprovalDialog};
use super::form::DealDialog;
use super::history::StageHistory;
use super::move_dialog::{MoveChoice, MoveDialog, MovePrompt};
use super::stage_bar::StageBar;
use super::status::status_badge_parts;
use crate::api::{self, ApiError};
use crate::components::{DeleteRecord, Detail, NextActions, RecordTimeline, ScorePanel, TagEditor};
use crate::custom_fields::{CustomFieldDetails, CustomFieldList};
use crate::format::{date_time, day};
use crate::pages::approvals::RequestProgress;
use crate::pages::record::{RecordPage, can_edit, load_record, save_custom_value, save_tags};
use crate::session::use_session;
use crate::team::Team;
use crate::toast::use_toasts;
use kite_shared::Permission;
use kite_shared::approvals::ApprovalRequestDto;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::deals::{DealDto, DealInput, DealStatus, MoveDealRequest, PendingApproval};
use kite_shared::crm::money::format_money;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::pipelines::{PipelineDto, StageDto, StageKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use leptos_router::components::A;

#[component]
pub fn DealDetail() -> impl IntoView {
    let team = Team::load();
    let reload = RwSignal::new(0u32);
    let deal = load_record("deal", reload, |id| async move {
        let deal = api::get::<DealDto>(&format!("/deals/{id}")).await?;
        let pipelines = api::get::<Vec<PipelineDto>>("/pipelines").await?;
        let pipeline = pipelines
            .into_iter()
            .find(|p| p.id == deal.pipeline_id)
            .ok_or_else(|| ApiError::not_found("pipeline"))?;
        Ok((deal, pipeline))
    });
    view! {
        <RecordPage
            back_to="/deals"
            back_label="Deals"
            record=deal
            missing_icon=icondata::LuHandshake
            missing_title="This deal is not here"
            missing_text="It may have been deleted, or the link is wrong."
            render=move |(deal, pipeline)| view! { <DealView deal=deal pipeline=pipeline team=team reload=reload /> }
        />
    }
}

/// The request holding a move of the deal, step by step.
#[component]
fn PendingApprovalCard(pending: PendingApproval) -> impl IntoView {
    let id = pending.request_id;
    let request = LocalResource::new(move || {
        let path = format!("/approvals/{id}");
        async move { api::get::<ApprovalRequestDto>(&path).await }
    });
    view! {
        <section class="card" data-testid="deal-approval">
            <h2 class="detail-heading">
                <span class="badge badge-warning" data-testid="pending-approval">
                    {format!("Awaiting approval → {}", pending.to_stage_name)}
                </span>
                " "
                <A href=format!("/approvals/{id}")>"Open the request"</A>
            </h2>
            {move || request.get().and_then(|r| r.ok()).map(|r| view! { <RequestProgress steps=r.steps /> })}
        </section>
    }
}

fn status_badge(deal: &DealDto) -> impl IntoView + use<> {
    let (class, label) = status_badge_parts(deal.status);
    view! { <span class=class data-testid="deal-status">{label}</span> }
}

/// The deal as it is, with other tags.
fn with_tags(d: DealDto, tags: Vec<String>) -> DealInput {
    DealInput {
        tags: Some(tags),
        ..d.to_input()
    }
}

/// The deal as it is, with other custom values.
fn with_custom(d: DealDto, custom_fields: CustomValues) -> DealInput {
    DealInput {
        custom_fields,
        ..d.to_input()
    }
}

#[component]
fn DealView(deal: DealDto, pipeline: PipelineDto, team: Team, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let edit_open = RwSignal::new(false);
    let editable = can_edit(&session, deal.owner_id);
    let deletable = session.can(Permission::DeleteRecords);
    let prompt = RwSignal::new(None::<MovePrompt>);
    let deal_id = deal.id;
    let approval = RwSignal::new(None::<ApprovalAsk>);
    let deal_title = StoredValue::new(deal.title.clone());
    let send_move = move |to: StageDto, lost_reason: Option<String>| {
        let deal_title = deal_title.get_value();
        let body = MoveDealRequest {
            stage_id: to.id,
            after_deal_id: None,
            lost_reason,
        };
        spawn_local(async move {
            match api::post::<DealDto>(&format!("/deals/{deal_id}/move"), &body).await {
                Ok(deal) => {
                    toasts.success(match to.kind {
                        StageKind::Won => format!("{} was won. 🎉", deal.title),
                        StageKind::Lost => format!("{} was marked lost.", deal.title),
                        StageKind::Open => format!("{} moved to {}.", deal.title, to.name),
                    });
                    reload.update(|n| *n += 1);
                }
                Err(e) => match ApprovalAsk::from_error(deal_id, &deal_title, &e) {
                    Some(ask) => approval.set(Some(ask)),
                    None => toasts.error(format!("The deal could not be moved: {}", e.message)),
                },
            }
        });
    };
    let on_pick = {
        let (title, stages, current) = (deal.title.clone(), pipeline.stages.clone(), deal.stage_id);
        Callback::new(move |to: StageDto| {
            if to.kind == StageKind::Lost {
                prompt.set(Some(MovePrompt {
                    deal_id,
                    title: title.clone(),
                    current,
                    stages: stages.clone(),
                    lost: Some(to),
                }));
            } else {
                send_move(to, None);
            }
        })
    };
    let on_choice = Callback::new(move |choice: MoveChoice| send_move(choice.to, choice.lost_reason));
    let stage_name = pipeline
        .stages
        .iter()
        .find(|s| s.id == deal.stage_id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let owner = deal.owner_id;
    let for_dialog = deal.clone();
    let can_add = session.can(Permission::EditOwnRecords);
    let value = format_money(deal.value.minor, &deal.value.currency);
    let pipeline_name = pipeline.name.clone();
    let badge = status_badge(&deal);
    let badge_again = status_badge(&deal);
    let company = match (deal.company_id, deal.company_name.clone()) {
        (Some(id), Some(name)) => view! { <A href=format!("/companies/{id}")>{name}</A> }.into_any(),
        _ => "—".into_any(),
    };
    let close = deal.expected_close.map_or_else(|| "—".to_owned(), |d| day(&d));
    let closed = deal
        .closed_at
        .map(|at| view! { <Detail label="Closed">{date_time(&at)}</Detail> });
    let (created, updated) = (date_time(&deal.created_at), date_time(&deal.updated_at));
    view! {
        <header class="page-header record-header">
            <div class="record-title">
                <span class="avatar avatar-large avatar-square">
                    <Icon icon=icondata::LuHandshake />
                </span>
                <div>
                    <h1>{deal.title.clone()}</h1>
                    <p class="muted deal-subtitle">
                        <strong class="deal-value">{value.clone()}</strong>
                        {badge}
                        <span data-testid="deal-stage">{stage_name}</span>
                    </p>
                </div>
            </div>
            <div class="page-actions">
                {editable
                    .then(|| {
                        view! {
                            <button class="btn btn-secondary" data-testid="edit-record" on:click=move |_| edit_open.set(true)>
                                <Icon icon=icondata::LuPencil />
                                "Edit"
                            </button>
                        }
                    })}
                {deletable
                    .then(|| view! { <DeleteRecord path=format!("/deals/{}", deal.id) name=deal.title.clone() back_to="/deals" /> })}
            </div>
        </header>
        <section class="card">
            <StageBar deal=deal.clone() pipeline=pipeline.clone() on_pick=editable.then_some(on_pick) />
        </section>
        {deal.pending_approval.clone().map(|p| view! { <PendingApprovalCard pending=p /> })}
        <ApprovalDialog ask=approval on_sent=Callback::new(move |_| reload.update(|n| *n += 1)) />
        <div class="record-grid">
            <div class="record-column">
                <section class="card">
                    <h2 class="card-title">"Details"</h2>
                    <dl class="details" data-testid="deal-details">
                        <Detail label="Value">{value}</Detail>
                        <Detail label="Pipeline">{pipeline_name}</Detail>
                        <Detail label="Status">
                            {badge_again}
                            {deal.lost_reason.clone().map(|r| view! { <p class="pre-line lost-reason">{r}</p> })}
                        </Detail>
                        <Detail label="Probability">{format!("{}%", deal.probability)}</Detail>
                        <Detail label="Expected close">{close}</Detail>
                        <Detail label="Owner">{move || team.name_of(owner)}</Detail>
                        <Detail label="Company">
                            {company}
                        </Detail>
                        <Detail label="Contacts">
                            <DealContacts ids=deal.contact_ids.clone() />
                        </Detail>
                        {closed}
                        <Detail label="Created">{created}</Detail>
                        <Detail label="Updated">{updated}</Detail>
                    </dl>
                    <CustomFieldDetails
                        fields=CustomFieldList::load(CustomFieldEntity::Deal)
                        values=deal.custom_fields.clone()
                        editable=editable
                        team=team
                        save=move |key, value| save_custom_value(RecordKind::Deal, deal_id, key, value, with_custom)
                    />
                    <div class="record-tags">
                        <h3 class="detail-heading">"Tags"</h3>
                        <TagEditor tags=deal.tags.clone() editable=editable save=move |tags| save_tags(RecordKind::Deal, deal_id, tags, with_tags) />
                    </div>
                </section>
                <RecordTimeline kind=RecordKind::Deal id=deal.id refresh=reload can_add=can_add />
            </div>
            <div class="record-column">
                {(deal.status == DealStatus::Open).then(|| view! { <NextActions deal_id=deal.id /> })}
                <ScorePanel
                    score=deal.score.clone()
                    meaning="Chance to win"
                    unscored=if deal.status == DealStatus::Open {
                        "Not scored yet: scores are worked out in the background within a few seconds of a change."
                    } else {
                        "Closed deals are not scored: their outcome is known."
                    }
                />
                <StageHistory deal_id=deal.id pipeline=pipeline team=team refresh=reload />
            </div>
        </div>
        <MoveDialog prompt=prompt on_move=on_choice />
        <DealDialog open=edit_open team=team deal=for_dialog on_saved=Callback::new(move |_| reload.update(|n| *n += 1)) />
    }
}

/// The deal's people by name. The API gives ids, so each is looked up (a deal has few).
#[component]
fn DealContacts(ids: Vec<uuid::Uuid>) -> impl IntoView {
    if ids.is_empty() {
        return "—".into_any();
    }
    let people = LocalResource::new(move || {
        let ids = ids.clone();
        async move {
            let mut found = Vec::new();
            for id in ids {
                if let Ok(c) = api::get::<ContactDto>(&format!("/contacts/{id}")).await {
                    found.push(c);
                }
            }
            found
        }
    });
    view! {
        <ul class="inline-list">
            {move || {
                people
                    .get()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| view! { <li><A href=format!("/contacts/{}", c.id)>{c.full_name()}</A></li> })
                    .collect_view()
            }}
        </ul>
    }
    .into_any()
}
