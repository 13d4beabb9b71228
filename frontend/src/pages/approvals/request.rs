//! One request: the deal as it was asked for, each step with its approvers, decisions,
//! comments and times, the trail, and what the signed-in user may do about it.

use super::decision::{DecisionDialog, DecisionPrompt, Verb};
use super::status_badge;
use crate::api;
use crate::format::date_time;
use crate::live;
use crate::team::Team;
use crate::toast::use_toasts;
use kite_shared::UserId;
use kite_shared::approvals::{ApprovalRequestDto, Decision, ReassignInput, RequestStepDto, StepStatus};
use kite_shared::crm::money::format_money;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

#[component]
pub fn ApprovalRequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let reload = RwSignal::new(0u32);
    live::on_record_changes(&["approval"], Callback::new(move |_| reload.update(|n| *n += 1)));
    let request = LocalResource::new(move || {
        reload.track();
        let id = id.get();
        async move {
            match id {
                Some(id) => api::get::<ApprovalRequestDto>(&format!("/approvals/{id}")).await,
                None => Err(api::ApiError::not_found("approval request")),
            }
        }
    });
    let prompt = RwSignal::new(None::<DecisionPrompt>);
    view! {
        <div class="page">
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    request
                        .get()
                        .map(|result| match result {
                            Ok(r) => view! { <RequestView request=r prompt=prompt reload=reload /> }.into_any(),
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
        </div>
        <DecisionDialog prompt=prompt on_done=Callback::new(move |_| reload.update(|n| *n += 1)) />
    }
}

#[component]
fn RequestView(
    request: ApprovalRequestDto,
    prompt: RwSignal<Option<DecisionPrompt>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let summary = request.summary.clone();
    let snapshot = summary.snapshot.clone();
    let (id, title) = (summary.id, snapshot.title.clone());
    let ask = move |verb: Verb| {
        let title = title.clone();
        move |_| {
            prompt.set(Some(DecisionPrompt {
                request_id: id,
                title: title.clone(),
                verb,
            }))
        }
    };
    let discount = snapshot
        .discount_percent
        .map(|d| format!("{d}%"))
        .unwrap_or_else(|| "None".into());
    view! {
        <header class="page-header record-header">
            <div>
                <p class="muted small">{summary.workflow_name.clone()}</p>
                <h1 data-testid="request-title">
                    <A href=format!("/deals/{}", summary.deal_id)>{snapshot.title.clone()}</A>
                </h1>
                <p>
                    {status_badge(summary.status)}
                    " "
                    {format!("{} → {}", snapshot.from_stage_name, snapshot.to_stage_name)}
                </p>
            </div>
            <div class="row-actions">
                {request.can_decide.then(|| view! {
                    <button class="btn btn-primary" data-testid="approve" on:click=ask(Verb::Approve)>"Approve"</button>
                    <button class="btn btn-ghost" data-testid="reject" on:click=ask(Verb::Reject)>"Reject"</button>
                })}
                {request.can_withdraw.then(|| view! {
                    <button class="btn btn-ghost" data-testid="withdraw" on:click=ask(Verb::Withdraw)>"Withdraw"</button>
                })}
                <button class="btn btn-ghost" data-testid="comment" on:click=ask(Verb::Comment)>"Comment"</button>
            </div>
        </header>
        <div class="detail-grid">
            <section class="card">
                <h2 class="detail-heading">"As asked"</h2>
                <dl class="details">
                    <dt>"Value"</dt>
                    <dd data-testid="snapshot-value">{format_money(snapshot.value.minor, &snapshot.value.currency)}</dd>
                    <dt>"Discount"</dt>
                    <dd>{discount}</dd>
                    <dt>"Asked by"</dt>
                    <dd>{summary.requester_name.clone().unwrap_or_default()}</dd>
                    <dt>"Asked"</dt>
                    <dd>{date_time(&summary.created_at)}</dd>
                    {summary.closed_at.map(|at| view! { <dt>"Closed"</dt><dd>{date_time(&at)}</dd> })}
                </dl>
                {request.can_reassign.then(|| view! { <Reassign request=request.clone() reload=reload /> })}
            </section>
            <section class="card">
                <h2 class="detail-heading">"Steps"</h2>
                <RequestProgress steps=request.steps.clone() />
            </section>
        </div>
        <section class="card">
            <h2 class="detail-heading">"Trail"</h2>
            <ol class="approval-trail" data-testid="approval-trail">
                {request
                    .trail
                    .iter()
                    .map(|a| {
                        view! {
                            <li data-action=a.action.clone()>
                                <strong>{a.actor_name.clone().unwrap_or_else(|| "Kite".into())}</strong>
                                " "
                                {a.action.clone()}
                                {a.step.map(|s| format!(" (step {s})"))}
                                <span class="muted small">" · " {date_time(&a.at)}</span>
                                {a.comment.clone().map(|c| view! { <p class="approval-comment">{c}</p> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

fn step_badge(status: StepStatus) -> impl IntoView {
    let (class, label) = match status {
        StepStatus::Waiting => ("badge badge-muted", "Waiting"),
        StepStatus::Active => ("badge badge-warning", "Deciding"),
        StepStatus::Approved => ("badge badge-success", "Approved"),
        StepStatus::Rejected => ("badge badge-danger", "Rejected"),
        StepStatus::Closed => ("badge badge-muted", "Closed"),
    };
    view! { <span class=class>{label}</span> }
}

/// Each step with its approvers and what they decided: on the request and deal pages.
#[component]
pub fn RequestProgress(steps: Vec<RequestStepDto>) -> impl IntoView {
    view! {
        <ol class="approval-steps" data-testid="approval-steps">
            {steps
                .into_iter()
                .map(|step| {
                    let mode = match step.mode {
                        kite_shared::approvals::ApprovalMode::Any => "one approval is enough",
                        kite_shared::approvals::ApprovalMode::All => "everyone approves",
                    };
                    view! {
                        <li class="approval-step" data-step-status=step.status.as_str()>
                            <div class="approval-step-head">
                                <strong>{format!("{}. {}", step.position, step.name)}</strong>
                                " "
                                {step_badge(step.status)}
                                {step.overdue.then(|| view! { <span class="badge badge-danger">"Overdue"</span> })}
                                <span class="muted small">" " {mode}</span>
                            </div>
                            <ul class="approval-approvers">
                                {step
                                    .approvers
                                    .into_iter()
                                    .map(|a| {
                                        let decided = match a.decision {
                                            Some(Decision::Approved) => "approved",
                                            Some(Decision::Rejected) => "rejected",
                                            None => "undecided",
                                        };
                                        view! {
                                            <li data-decision=decided>
                                                {a.name}
                                                " — "
                                                {decided}
                                                {a.decided_at.map(|at| view! { <span class="muted small">" · " {date_time(&at)}</span> })}
                                                {a.comment.map(|c| view! { <p class="approval-comment">{c}</p> })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Admins hand an undecided approver's say to someone else.
#[component]
fn Reassign(request: ApprovalRequestDto, reload: RwSignal<u32>) -> impl IntoView {
    let team = Team::load();
    let toasts = use_toasts();
    let id = request.summary.id;
    let current = request
        .steps
        .iter()
        .find(|s| s.status == StepStatus::Active)
        .map(|s| {
            s.approvers
                .iter()
                .filter(|a| a.decision.is_none())
                .map(|a| (a.user_id, a.name.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let from = RwSignal::new(current.first().map(|(u, _)| u.to_string()).unwrap_or_default());
    let to = RwSignal::new(String::new());
    let send = move |_| {
        let (Ok(from), Ok(to)) = (from.get_untracked().parse::<Uuid>(), to.get_untracked().parse::<Uuid>()) else {
            toasts.error("Choose who hands over and who takes over.");
            return;
        };
        let body = ReassignInput {
            from_user_id: UserId(from),
            to_user_id: UserId(to),
        };
        spawn_local(async move {
            match api::post::<ApprovalRequestDto>(&format!("/approvals/{id}/reassign"), &body).await {
                Ok(_) => {
                    toasts.success("Reassigned.");
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.errors.first().map(|f| f.message.clone()).unwrap_or(e.message)),
            }
        });
    };
    view! {
        <div class="reassign" data-testid="reassign">
            <h3 class="detail-heading">"Reassign"</h3>
            <label class="filter">
                <span>"From"</span>
                <select on:change=move |ev| from.set(event_target_value(&ev))>
                    {current.into_iter().map(|(u, name)| view! { <option value=u.to_string()>{name}</option> }).collect_view()}
                </select>
            </label>
            <label class="filter">
                <span>"To"</span>
                <select on:change=move |ev| to.set(event_target_value(&ev))>
                    <option value="">"Choose…"</option>
                    {move || team.owner_options(None).into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </label>
            <button type="button" class="btn btn-small btn-ghost" on:click=send>"Reassign"</button>
        </div>
    }
}
