//! Settings › Approvals: the workflows that hold deal moves for a sign-off, in the order
//! they are tried, and the editor for one (trigger, conditions, steps, a preview).

use crate::api;
use crate::components::{EmptyState, Modal};
use crate::components::{Sortable, Sorted};
use crate::session::use_session;
use crate::team::Team;
use crate::toast::use_toasts;
use kite_shared::approvals::{ApprovalMode, ApprovalStep, ApprovalWorkflowDto, ApprovalWorkflowInput, WorkflowPreview};
use kite_shared::crm::Money;
use kite_shared::crm::money::{amount_text, format_money, parse_amount};
use kite_shared::crm::pipelines::{PipelineDto, StageKind};
use kite_shared::{FieldError, Permission, Role, UserId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

const APPROVER_ROLES: [Role; 3] = [Role::Admin, Role::Manager, Role::SalesRep];

#[component]
pub fn ApprovalWorkflows() -> impl IntoView {
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let workflows = LocalResource::new(move || {
        reload.track();
        api::get::<Vec<ApprovalWorkflowDto>>("/approval-workflows")
    });
    let editing = RwSignal::new(None::<Option<ApprovalWorkflowDto>>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        if !open.get() {
            editing.set(None);
        }
    });
    let admin = move || session.can(Permission::ManageOrganization);
    view! {
        <section class="card">
            <div class="toolbar">
                <p class="muted" data-testid="priority-rule">
                    "When several workflows match a move, only the first runs: the lowest priority number, then the oldest. "
                    "Conditions hold above the amounts given: “over 10,000” lets exactly 10,000 through."
                </p>
                {move || admin().then(|| view! {
                    <button class="btn btn-primary" data-testid="new-workflow" on:click=move |_| { editing.set(Some(None)); open.set(true); }>
                        <Icon icon=icondata::LuPlus />
                        "New workflow"
                    </button>
                })}
            </div>
            <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || workflows.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState
                            icon=icondata::LuShieldCheck
                            title="No approval workflows"
                            text="Add one to have big or discounted deals signed off before they move on."
                        />
                    }.into_any(),
                    Ok(list) => view! {
                        <div class="table-wrap">
                            <table class="table" data-testid="workflows-table">
                                <thead>
                                    <tr>
                                        <th scope="col">"Priority"</th>
                                        <th scope="col">"Workflow"</th>
                                        <th scope="col">"Guards"</th>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"Steps"</th>
                                        <th scope="col" aria-label="Actions"></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|w| {
                                        let for_edit = w.clone();
                                        let conditions = conditions_text(&w);
                                        let steps: Vec<String> = w.steps.iter().map(|s| s.name.clone()).collect();
                                        view! {
                                            <tr data-testid="workflow-row">
                                                <td>{w.priority}</td>
                                                <td>
                                                    {w.name.clone()}
                                                    {(!w.active).then(|| view! { <span class="badge badge-muted">"Off"</span> })}
                                                </td>
                                                <td>{w.stage_name.clone()}</td>
                                                <td>{conditions}</td>
                                                <td>{steps.join(" → ")}</td>
                                                <td>
                                                    {move || admin().then(|| {
                                                        let w = for_edit.clone();
                                                        view! {
                                                            <button class="btn btn-small btn-ghost" on:click=move |_| { editing.set(Some(Some(w.clone()))); open.set(true); }>"Edit"</button>
                                                        }
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
        </section>
        <Modal open=open title="Approval workflow" wide=true>
            {move || editing.get().map(|w| view! {
                <WorkflowEditor workflow=w open=open on_saved=Callback::new(move |_| reload.update(|n| *n += 1)) />
            })}
        </Modal>
    }
}

fn conditions_text(w: &ApprovalWorkflowDto) -> String {
    let mut parts = Vec::new();
    if let Some(min) = &w.min_value {
        parts.push(format!("value over {}", format_money(min.minor, &min.currency)));
    }
    if let Some(d) = w.min_discount_percent {
        parts.push(format!("discount over {d}%"));
    }
    if !w.owner_roles.is_empty() {
        let roles: Vec<&str> = w.owner_roles.iter().map(|r| r.label()).collect();
        parts.push(format!("owner is {}", roles.join(" or ")));
    }
    if parts.is_empty() {
        "Every deal".into()
    } else {
        parts.join(", ")
    }
}

/// Client-side keys of the steps being edited, so rows keep their identity as they move.
fn key(n: u128) -> Uuid {
    Uuid::from_u128(n + 1)
}

#[component]
fn WorkflowEditor(
    workflow: Option<ApprovalWorkflowDto>,
    open: RwSignal<bool>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let team = Team::load();
    let pipelines = LocalResource::new(|| api::get::<Vec<PipelineDto>>("/pipelines"));
    let existing = workflow.as_ref().map(|w| w.id);
    let name = RwSignal::new(workflow.as_ref().map(|w| w.name.clone()).unwrap_or_default());
    let active = RwSignal::new(workflow.as_ref().is_none_or(|w| w.active));
    let priority = RwSignal::new(
        workflow
            .as_ref()
            .map(|w| w.priority.to_string())
            .unwrap_or_else(|| "0".into()),
    );
    let stage = RwSignal::new(workflow.as_ref().map(|w| w.stage_id.to_string()).unwrap_or_default());
    let amount = RwSignal::new(
        workflow
            .as_ref()
            .and_then(|w| w.min_value.as_ref())
            .map(|m| amount_text(m.minor))
            .unwrap_or_default(),
    );
    let currency = RwSignal::new(
        workflow
            .as_ref()
            .and_then(|w| w.min_value.as_ref())
            .map(|m| m.currency.clone())
            .unwrap_or_else(|| "EUR".into()),
    );
    let discount = RwSignal::new(
        workflow
            .as_ref()
            .and_then(|w| w.min_discount_percent)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let owner_roles = RwSignal::new(workflow.as_ref().map(|w| w.owner_roles.clone()).unwrap_or_default());
    let initial: Vec<(Uuid, ApprovalStep)> = workflow
        .as_ref()
        .map(|w| w.steps.clone())
        .unwrap_or_else(|| {
            vec![ApprovalStep {
                name: "Manager".into(),
                approver_roles: vec![Role::Manager],
                ..Default::default()
            }]
        })
        .into_iter()
        .enumerate()
        .map(|(i, s)| (key(i as u128), s))
        .collect();
    let next_key = StoredValue::new(initial.len() as u128);
    let steps = RwSignal::new(initial);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let preview = RwSignal::new(None::<WorkflowPreview>);
    let input = move || ApprovalWorkflowInput {
        name: name.get_untracked().trim().to_owned(),
        active: active.get_untracked(),
        priority: priority.get_untracked().trim().parse().unwrap_or(0),
        stage_id: stage.get_untracked().parse().unwrap_or_default(),
        min_value: parse_amount(&amount.get_untracked()).map(|minor| Money {
            minor,
            currency: currency.get_untracked().trim().to_uppercase(),
        }),
        min_discount_percent: discount.get_untracked().trim().parse().ok(),
        owner_roles: owner_roles.get_untracked(),
        steps: steps.get_untracked().into_iter().map(|(_, s)| s).collect(),
    };
    let error_of = move |field: &'static str| {
        move || errors.with(|e| e.iter().find(|f| f.field == field).map(|f| f.message.clone()))
    };
    let save = move |_| {
        let body = input();
        let local = body.validate();
        if !local.is_empty() {
            errors.set(local);
            return;
        }
        spawn_local(async move {
            let answer = match existing {
                Some(id) => api::put::<ApprovalWorkflowDto>(&format!("/approval-workflows/{id}"), &body).await,
                None => api::post::<ApprovalWorkflowDto>("/approval-workflows", &body).await,
            };
            match answer {
                Ok(saved) => {
                    toasts.success(format!("Workflow “{}” saved.", saved.name));
                    open.set(false);
                    on_saved.run(());
                }
                Err(e) => {
                    if e.errors.is_empty() {
                        toasts.error(e.message);
                    }
                    let _ = errors.try_set(e.errors);
                }
            }
        });
    };
    let run_preview = move |_| {
        let body = input();
        spawn_local(async move {
            match api::post::<WorkflowPreview>("/approval-workflows/preview", &body).await {
                Ok(p) => {
                    let _ = preview.try_set(Some(p));
                    errors.set(Vec::new());
                }
                Err(e) => {
                    let _ = errors.try_set(e.errors);
                }
            }
        });
    };
    let delete = move |_| {
        let Some(id) = existing else { return };
        spawn_local(async move {
            match api::delete(&format!("/approval-workflows/{id}")).await {
                Ok(()) => {
                    toasts.success("Workflow deleted.");
                    open.set(false);
                    on_saved.run(());
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let order = Memo::new(move |_| steps.with(|s| s.iter().map(|(k, _)| *k).collect::<Vec<_>>()));
    let reorder = move |new_order: Vec<Uuid>| {
        steps.update(|s| s.sort_by_key(|(k, _)| new_order.iter().position(|o| o == k).unwrap_or(usize::MAX)));
    };
    let sortable = Sortable::new(Callback::new(move |sorted: Sorted| reorder(sorted.order)));
    let shown = Memo::new(move |_| sortable.shown(order.get()));
    let move_by = Callback::new(move |(id, up): (Uuid, bool)| {
        let mut o = order.get_untracked();
        let Some(i) = o.iter().position(|k| *k == id) else {
            return;
        };
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        if let Some(j) = j.filter(|j| *j < o.len()) {
            o.swap(i, j);
            reorder(o);
        }
    });
    let stage_options = move || {
        pipelines
            .get()
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .flat_map(|p| {
                let pipeline = p.name.clone();
                p.stages
                    .into_iter()
                    .filter(|s| s.kind != StageKind::Lost)
                    .map(move |s| (s.id.to_string(), format!("{pipeline} › {}", s.name)))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <div class="form workflow-editor" data-testid="workflow-editor">
            <div class="form-grid">
                <div class="field">
                    <label for="wf-name">"Name"</label>
                    <input id="wf-name" name="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{error_of("name")}</p>
                </div>
                <div class="field">
                    <label for="wf-priority">"Priority (lowest runs first)"</label>
                    <input id="wf-priority" name="priority" type="number" prop:value=move || priority.get() on:input=move |ev| priority.set(event_target_value(&ev)) />
                </div>
                <div class="field">
                    <label for="wf-stage">"When a deal enters"</label>
                    <select id="wf-stage" name="stage_id" on:change=move |ev| stage.set(event_target_value(&ev))>
                        <option value="">"Choose a stage…"</option>
                        {move || stage_options().into_iter().map(|(v, l)| {
                            let selected = stage.get_untracked() == v;
                            view! { <option value=v selected=selected>{l}</option> }
                        }).collect_view()}
                    </select>
                    <p class="field-error" role="alert">{error_of("stage_id")}</p>
                </div>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev)) />
                    "Active"
                </label>
                <div class="field">
                    <label for="wf-amount">"Value over (blank: any)"</label>
                    <input id="wf-amount" name="min_value" prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{error_of("min_value.minor")}</p>
                </div>
                <div class="field">
                    <label for="wf-currency">"Currency"</label>
                    <input id="wf-currency" name="currency" prop:value=move || currency.get() on:input=move |ev| currency.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{error_of("min_value.currency")}</p>
                </div>
                <div class="field">
                    <label for="wf-discount">"Discount over (%)"</label>
                    <input id="wf-discount" name="min_discount_percent" type="number" prop:value=move || discount.get() on:input=move |ev| discount.set(event_target_value(&ev)) />
                    <p class="field-error" role="alert">{error_of("min_discount_percent")}</p>
                </div>
                <fieldset class="field">
                    <legend>"Owner's role (none: any)"</legend>
                    {APPROVER_ROLES.into_iter().map(|role| view! {
                        <label class="checkbox">
                            <input type="checkbox" prop:checked=move || owner_roles.with(|r| r.contains(&role))
                                on:change=move |ev| owner_roles.update(|r| { r.retain(|x| *x != role); if event_target_checked(&ev) { r.push(role); } }) />
                            {role.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
            </div>
            <h3 class="detail-heading">"Steps, one after another"</h3>
            <p class="muted small">"Drag a step by its handle, or use its arrows, to change the order."</p>
            <p class="field-error" role="alert">{error_of("steps")}</p>
            <ol class="approval-step-list" data-sort-list="approval-steps" data-testid="step-list">
                <For each=move || shown.get() key=|k| *k let:k>
                    <StepEditor id=k steps=steps team=team sortable=sortable order=shown move_by=move_by errors=errors />
                </For>
            </ol>
            <button type="button" class="btn btn-ghost" data-testid="add-step" on:click=move |_| {
                let k = next_key.get_value();
                next_key.set_value(k + 1);
                steps.update(|s| s.push((key(k), ApprovalStep { name: format!("Step {}", s.len() + 1), ..Default::default() })));
            }>
                <Icon icon=icondata::LuPlus />
                "Add step"
            </button>
            {move || preview.get().map(|p| view! {
                <div class="workflow-preview" data-testid="workflow-preview">
                    <p><strong>{format!("{} open deals would be held today.", p.count)}</strong></p>
                    <ul>{p.deals.into_iter().map(|d| view! { <li>{d.title} " · " {format_money(d.value.minor, &d.value.currency)} " · " {d.stage_name}</li> }).collect_view()}</ul>
                </div>
            })}
            <div class="modal-actions">
                {existing.map(|_| view! { <button type="button" class="btn btn-danger" on:click=delete>"Delete"</button> })}
                <button type="button" class="btn btn-ghost" data-testid="preview-workflow" on:click=run_preview>"Preview"</button>
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="button" class="btn btn-primary" data-testid="save-workflow" on:click=save>"Save workflow"</button>
            </div>
        </div>
    }
}

#[component]
fn StepEditor(
    id: Uuid,
    steps: RwSignal<Vec<(Uuid, ApprovalStep)>>,
    team: Team,
    sortable: Sortable,
    order: Memo<Vec<Uuid>>,
    move_by: Callback<(Uuid, bool)>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let step = move || {
        steps
            .with(|s| s.iter().find(|(k, _)| *k == id).map(|(_, s)| s.clone()))
            .unwrap_or_default()
    };
    let edit = move |f: &dyn Fn(&mut ApprovalStep)| {
        steps.update(|s| {
            if let Some((_, step)) = s.iter_mut().find(|(k, _)| *k == id) {
                f(step)
            }
        })
    };
    let index = move || order.with(|o| o.iter().position(|k| *k == id)).unwrap_or(0);
    let error = move || {
        let at = format!("steps[{}]", index());
        errors.with(|e| e.iter().find(|f| f.field.starts_with(&at)).map(|f| f.message.clone()))
    };
    view! {
        <li class="approval-step-row" class:stage-row-dragging=move || sortable.dragging() == Some(id) data-sort-id=id.to_string() data-testid="step-row">
            <span class="stage-handle" title="Drag to reorder" aria-hidden="true" on:pointerdown=move |e| sortable.press(&e, id, order.get_untracked())>
                <Icon icon=icondata::LuGripVertical />
            </span>
            <span class="muted">{move || index() + 1}</span>
            <input aria-label="Step name" data-testid="step-name" prop:value=move || step().name
                on:input=move |ev| { let v = event_target_value(&ev); edit(&|s| s.name = v.clone()) } />
            <select aria-label="Who must approve" data-testid="step-mode" on:change=move |ev| { let v = event_target_value(&ev); edit(&|s| s.mode = ApprovalMode::parse(&v)) }>
                <option value="any" selected=move || step().mode == ApprovalMode::Any>"Any one approves"</option>
                <option value="all" selected=move || step().mode == ApprovalMode::All>"All approve"</option>
            </select>
            <input aria-label="Due in hours" type="number" placeholder="Due (h)" class="step-due" prop:value=move || step().due_hours.map(|h| h.to_string()).unwrap_or_default()
                on:input=move |ev| { let v = event_target_value(&ev); edit(&|s| s.due_hours = v.trim().parse().ok()) } />
            <button type="button" class="icon-button" aria-label="Move step up" disabled=move || index() == 0 on:click=move |_| move_by.run((id, true))>
                <Icon icon=icondata::LuArrowUp />
            </button>
            <button type="button" class="icon-button" aria-label="Move step down" disabled=move || order.with(|o| o.last() == Some(&id)) on:click=move |_| move_by.run((id, false))>
                <Icon icon=icondata::LuArrowDown />
            </button>
            <button type="button" class="icon-button" aria-label="Remove step" on:click=move |_| steps.update(|s| s.retain(|(k, _)| *k != id))>
                <Icon icon=icondata::LuTrash2 />
            </button>
            <div class="step-approvers">
                {APPROVER_ROLES.into_iter().map(|role| view! {
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || step().approver_roles.contains(&role)
                            on:change=move |ev| { let on = event_target_checked(&ev); edit(&|s| { s.approver_roles.retain(|r| *r != role); if on { s.approver_roles.push(role); } }) } />
                        {format!("Any {}", role.label().to_lowercase())}
                    </label>
                }).collect_view()}
                {move || team.active().into_iter().filter(|u| u.role != Role::Viewer).map(|u| {
                    let user: UserId = u.id;
                    view! {
                        <label class="checkbox" data-approver-email=u.email.clone()>
                            <input type="checkbox" prop:checked=move || step().approver_ids.contains(&user)
                                on:change=move |ev| { let on = event_target_checked(&ev); edit(&|s| { s.approver_ids.retain(|a| *a != user); if on { s.approver_ids.push(user); } }) } />
                            {u.name.clone()}
                        </label>
                    }
                }).collect_view()}
            </div>
            <p class="field-error" role="alert">{error}</p>
        </li>
    }
}
