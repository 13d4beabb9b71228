//! One sequence: its steps in an editor (each with how it is doing), enrolling the
//! contacts of a tag, and every enrolled contact with their step and state.

use super::{EmailTabs, percent, sequence_badge};
use crate::api;
use crate::components::{ConfirmDialog, Cursors, FormAlert, PageInfo, Pager, SkeletonRows, TextField};
use crate::format::{due, relative};
use crate::forms::FormState;
use crate::session::use_session;
use crate::toast::use_toasts;
use kite_shared::Permission;
use kite_shared::crm::activities::ActivityKind;
use kite_shared::crm::tags::TagDto;
use kite_shared::marketing::campaigns::{Audience, AudienceFilter, AudienceKind};
use kite_shared::marketing::sequences::{
    EnrollInput, EnrollOutcome, EnrollmentDto, EnrollmentState, SequenceDto, SequenceInput, SequenceStatus, StepInput,
    StepKind, StepStats, WaitUnit,
};
use kite_shared::marketing::templates::EmailTemplateDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;

const PER_PAGE: u64 = 50;

/// A step in the editor; `key` tells rows apart while they move.
#[derive(Clone, Debug, PartialEq)]
struct StepRow {
    key: u32,
    input: StepInput,
    stats: Option<StepStats>,
}

fn describe(step: &StepInput, templates: &[(String, String)]) -> String {
    match step.kind {
        StepKind::Email => {
            let id = step.template_id.map(|t| t.to_string()).unwrap_or_default();
            let name = templates.iter().find(|(v, _)| *v == id).map(|(_, n)| n.clone());
            format!("Email “{}”", name.unwrap_or_else(|| "no template".into()))
        }
        StepKind::Wait => format!(
            "Wait {} {}{}",
            step.wait_amount.unwrap_or(0),
            step.wait_unit.unwrap_or(WaitUnit::Days).label(),
            if step.business_days { " (business days)" } else { "" }
        ),
        StepKind::Task => format!(
            "{} task: {}",
            step.task_kind.unwrap_or(ActivityKind::Task).label(),
            step.task_title.clone().unwrap_or_default()
        ),
    }
}

fn stats_line(kind: StepKind, stats: &StepStats) -> String {
    let here = if stats.current > 0 {
        format!("{} waiting here · ", stats.current)
    } else {
        String::new()
    };
    match kind {
        StepKind::Email => format!(
            "{here}{} sent · {} opened · {} clicked · {} replied · {} bounced",
            stats.sent,
            percent(stats.opened, stats.sent),
            percent(stats.clicked, stats.sent),
            percent(stats.replied, stats.sent),
            stats.bounced
        ),
        StepKind::Task => format!("{here}{} tasks made", stats.tasks),
        StepKind::Wait => here.trim_end_matches(" · ").to_owned(),
    }
}

fn state_badge(e: &EnrollmentDto) -> impl IntoView + use<> {
    let class = match e.state {
        EnrollmentState::Active => "badge badge-accent",
        EnrollmentState::Paused => "badge badge-warning",
        EnrollmentState::Finished => "badge badge-success",
        EnrollmentState::Exited => "badge badge-muted",
    };
    let text = match (e.state, e.exit_reason) {
        (EnrollmentState::Exited, Some(reason)) => format!("Exited · {}", reason.label()),
        (state, _) => state.label().to_owned(),
    };
    view! { <span class=class data-testid="enrollment-state">{text}</span> }
}

fn kind_options() -> Vec<(String, String)> {
    StepKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect()
}

#[component]
pub fn SequencePage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let can_manage = move || session.can(Permission::ManageCampaigns);
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let steps = RwSignal::new(Vec::<StepRow>::new());
    let next_key = StoredValue::new(0u32);
    let reload = RwSignal::new(0u32);
    let sequence = RwSignal::new(None::<SequenceDto>);

    let new_row = move |input: StepInput, stats: Option<StepStats>| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        StepRow { key, input, stats }
    };
    Effect::new(move |_| {
        reload.track();
        if let Some(id) = id.get() {
            spawn_local(async move {
                match api::get::<SequenceDto>(&format!("/sequences/{id}")).await {
                    Ok(s) => {
                        name.set(s.name.clone());
                        steps.set(
                            s.steps
                                .iter()
                                .map(|st| new_row(st.input(), Some(st.stats.clone())))
                                .collect(),
                        );
                        sequence.set(Some(s));
                    }
                    Err(e) => toasts.error(e.message),
                }
            });
        }
    });
    let templates = LocalResource::new(|| api::get::<Page<EmailTemplateDto>>("/email-templates?per_page=200"));
    let template_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Pick a template".to_owned())];
        if let Some(Ok(page)) = templates.get() {
            options.extend(page.items.into_iter().map(|t| (t.id.to_string(), t.name)));
        }
        options
    });
    let edit = move |index: usize, change: Box<dyn FnOnce(&mut StepInput)>| {
        steps.update(|rows| {
            if let Some(row) = rows.get_mut(index) {
                change(&mut row.input);
            }
        });
    };
    let add = move |input: StepInput| steps.update(|rows| rows.push(new_row(input, None)));
    let move_by = move |index: usize, up: bool| {
        steps.update(|rows| {
            let other = if up { index.checked_sub(1) } else { Some(index + 1) };
            if let Some(other) = other.filter(|o| *o < rows.len()) {
                rows.swap(index, other);
            }
        });
    };
    let save = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::SubmitEvent| {
            let input = SequenceInput {
                name: name.get_untracked(),
                steps: steps.get_untracked().into_iter().map(|r| r.input).collect(),
            };
            let client = input.validate();
            let existing = id.get_untracked();
            let request = async move {
                match existing {
                    Some(id) => api::put::<SequenceDto>(&format!("/sequences/{id}"), &input).await,
                    None => api::post::<SequenceDto>("/sequences", &input).await,
                }
            };
            let navigate = navigate.clone();
            form.submit(ev, &client, request, move |saved| {
                toasts.success("Sequence saved");
                if existing.is_none() {
                    navigate(&format!("/campaigns/sequences/{}", saved.id), Default::default());
                } else {
                    reload.update(|n| *n += 1);
                }
            });
        }
    };
    let set_status = move |action: &'static str| {
        let Some(id) = id.get_untracked() else { return };
        spawn_local(async move {
            match api::post::<SequenceDto>(&format!("/sequences/{id}/{action}"), &()).await {
                Ok(s) => {
                    toasts.success(format!("Sequence {}", s.status.label().to_lowercase()));
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let confirm_delete = RwSignal::new(false);
    let delete = move || {
        let Some(id) = id.get_untracked() else { return };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::delete(&format!("/sequences/{id}")).await {
                Ok(()) => {
                    toasts.success("Sequence deleted");
                    navigate("/campaigns/sequences", Default::default());
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };

    let step_view = move |index: usize, row: StepRow| {
        let StepRow { input, stats, .. } = row;
        let kind = input.kind;
        let error = move |field: &str| form.error(&format!("steps[{index}].{field}"), &[]);
        let template_error = error("template_id");
        let wait_error = error("wait_amount").or_else(|| error("business_days"));
        let task_error = error("task_title").or_else(|| error("task_kind"));
        let editable = can_manage();
        let fields = match kind {
            StepKind::Email => {
                let current = input.template_id.map(|t| t.to_string()).unwrap_or_default();
                view! {
                    <label class="step-field">
                        <span>"Template"</span>
                        <select data-testid="step-template" disabled=!editable on:change=move |ev| {
                            let value = event_target_value(&ev).parse().ok();
                            edit(index, Box::new(move |s| s.template_id = value));
                        }>
                            {move || template_options.get().into_iter().map(|(value, label)| {
                                let selected = value == current;
                                view! { <option value=value selected=selected>{label}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <p class="field-error" role="alert">{template_error}</p>
                }
                .into_any()
            }
            StepKind::Wait => {
                let unit = input.wait_unit.unwrap_or(WaitUnit::Days);
                view! {
                    <div class="step-inline">
                        <label class="step-field">
                            <span>"Wait"</span>
                            <input type="number" min="1" data-testid="step-wait" disabled=!editable
                                prop:value=input.wait_amount.unwrap_or(1).to_string()
                                on:change=move |ev| {
                                    let value = event_target_value(&ev).parse().ok();
                                    edit(index, Box::new(move |s| s.wait_amount = value));
                                } />
                        </label>
                        <label class="step-field">
                            <span>"Unit"</span>
                            <select disabled=!editable on:change=move |ev| {
                                let value = WaitUnit::parse(&event_target_value(&ev));
                                edit(index, Box::new(move |s| {
                                    s.wait_unit = value;
                                    if value == Some(WaitUnit::Hours) {
                                        s.business_days = false;
                                    }
                                }));
                            }>
                                {WaitUnit::ALL.iter().map(|u| view! { <option value=u.as_str() selected=*u == unit>{u.label()}</option> }).collect_view()}
                            </select>
                        </label>
                        {(unit == WaitUnit::Days).then(|| view! {
                            <label class="checkbox">
                                <input type="checkbox" disabled=!editable prop:checked=input.business_days on:change=move |ev| {
                                    let checked = event_target_checked(&ev);
                                    edit(index, Box::new(move |s| s.business_days = checked));
                                } />
                                <span>"Business days only"</span>
                            </label>
                        })}
                    </div>
                    <p class="field-error" role="alert">{wait_error}</p>
                }
                .into_any()
            }
            StepKind::Task => {
                let task_kind = input.task_kind.unwrap_or(ActivityKind::Task);
                view! {
                    <div class="step-inline">
                        <label class="step-field">
                            <span>"Kind"</span>
                            <select disabled=!editable on:change=move |ev| {
                                let value = Some(ActivityKind::parse(&event_target_value(&ev)));
                                edit(index, Box::new(move |s| s.task_kind = value));
                            }>
                                {ActivityKind::ALL.into_iter().filter(|k| *k != ActivityKind::Note).map(|k| view! {
                                    <option value=k.as_str() selected=k == task_kind>{k.label()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <label class="step-field step-grow">
                            <span>"For the owner to do"</span>
                            <input type="text" data-testid="step-task-title" disabled=!editable
                                placeholder="Call to follow up"
                                prop:value=input.task_title.clone().unwrap_or_default()
                                on:change=move |ev| {
                                    let value = Some(event_target_value(&ev));
                                    edit(index, Box::new(move |s| s.task_title = value));
                                } />
                        </label>
                    </div>
                    <p class="field-error" role="alert">{task_error}</p>
                }
                .into_any()
            }
        };
        let count = steps.with_untracked(Vec::len);
        view! {
            <li class="step-card" data-testid="sequence-step" data-kind=kind.as_str()>
                <div class="step-head">
                    <span class="step-number">{index + 1}</span>
                    <select class="step-kind" aria-label="Step kind" disabled=!editable on:change=move |ev| {
                        if let Some(kind) = StepKind::parse(&event_target_value(&ev)) {
                            edit(index, Box::new(move |s| s.kind = kind));
                        }
                    }>
                        {kind_options().into_iter().map(|(value, label)| {
                            let selected = value == kind.as_str();
                            view! { <option value=value selected=selected>{label}</option> }
                        }).collect_view()}
                    </select>
                    {editable.then(|| view! {
                        <div class="step-actions">
                            <button type="button" class="btn btn-ghost btn-icon" aria-label="Move up" disabled=index == 0 on:click=move |_| move_by(index, true)>"↑"</button>
                            <button type="button" class="btn btn-ghost btn-icon" aria-label="Move down" disabled=index + 1 == count on:click=move |_| move_by(index, false)>"↓"</button>
                            <button type="button" class="btn btn-ghost btn-icon" aria-label="Remove step" on:click=move |_| steps.update(|rows| { rows.remove(index); })>"✕"</button>
                        </div>
                    })}
                </div>
                {fields}
                {stats.map(|s| view! { <p class="muted step-stats" data-testid="step-stats">{stats_line(kind, &s)}</p> })}
            </li>
        }
    };

    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1 data-testid="sequence-name">
                        {move || sequence.get().map_or_else(|| "New sequence".to_owned(), |s| s.name)}" "
                        {move || sequence.get().map(|s| sequence_badge(s.status))}
                    </h1>
                    <p class="muted">{move || sequence.get().map(|s| format!(
                        "{} active · {} paused · {} finished · {} exited",
                        s.enrollments.active, s.enrollments.paused, s.enrollments.finished, s.enrollments.exited
                    ))}</p>
                </div>
                <div class="page-actions">
                    {move || (can_manage()).then(|| sequence.get()).flatten().map(|s| match s.status {
                        SequenceStatus::Active => view! {
                            <button class="btn btn-secondary" data-testid="pause-sequence" on:click=move |_| set_status("pause")>"Pause sequence"</button>
                        }.into_any(),
                        SequenceStatus::Paused => view! {
                            <button class="btn btn-primary" data-testid="resume-sequence" on:click=move |_| set_status("resume")>"Resume sequence"</button>
                        }.into_any(),
                    })}
                    {move || (can_manage() && sequence.get().is_some()).then(|| view! {
                        <button class="btn btn-ghost btn-danger-text" on:click=move |_| confirm_delete.set(true)>"Delete"</button>
                    })}
                </div>
            </header>
            <EmailTabs />
            <section class="card">
                <form class="form-stack" on:submit=save novalidate data-testid="sequence-form">
                    <FormAlert form=form />
                    <TextField name="name" label="Name" value=name form=form error=Signal::derive(move || form.error("name", &[])) />
                    <h2 class="card-title">"Steps"</h2>
                    <p class="field-error" role="alert">{move || form.error("steps", &[])}</p>
                    <ol class="step-list" data-testid="sequence-steps">
                        {move || steps.get().into_iter().enumerate().map(|(i, row)| step_view(i, row)).collect_view()}
                    </ol>
                    {move || steps.with(Vec::is_empty).then(|| view! { <p class="muted">"No steps yet: add an email to start with."</p> })}
                    <p class="muted step-summary">{move || {
                        let options = template_options.get();
                        steps.get().iter().map(|r| describe(&r.input, &options)).collect::<Vec<_>>().join(" → ")
                    }}</p>
                    {move || can_manage().then(|| view! {
                        <div class="toolbar">
                            <div class="btn-group">
                                <button type="button" class="btn btn-secondary" data-testid="add-email-step" on:click=move |_| add(StepInput::blank(StepKind::Email))>"+ Email"</button>
                                <button type="button" class="btn btn-secondary" data-testid="add-wait-step" on:click=move |_| add(StepInput::wait(2, WaitUnit::Days))>"+ Wait"</button>
                                <button type="button" class="btn btn-secondary" data-testid="add-task-step" on:click=move |_| add(StepInput::task(ActivityKind::Call, ""))>"+ Task"</button>
                            </div>
                            <button type="submit" class="btn btn-primary" data-testid="save-sequence" disabled=move || form.busy.get()>"Save sequence"</button>
                        </div>
                    })}
                </form>
            </section>
            {move || id.get().map(|id| view! { <Enrolled sequence_id=id reload=reload /> })}
            <ConfirmDialog
                open=confirm_delete
                title="Delete this sequence?"
                message="Everyone still in it is taken out; emails already sent stay on their timelines."
                confirm_label="Delete"
                on_confirm=Callback::new(move |_| delete())
            />
        </div>
    }
}

/// Enrolling the contacts of a tag, and the table of everyone enrolled.
#[component]
fn Enrolled(sequence_id: Uuid, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let can_manage = session.can(Permission::ManageCampaigns);
    let me = session.me().map(|m| m.user.id);
    let state_filter = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let tags = LocalResource::new(|| api::get::<Vec<TagDto>>("/tags"));
    let query = Memo::new(move |_| {
        format!(
            "/sequences/{sequence_id}/enrollments{}",
            api::query(&[
                ("state", Some(state_filter.get())),
                ("per_page", Some(PER_PAGE.to_string()))
            ])
        )
    });
    let cursors = Cursors::new(query);
    let enrollments = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<EnrollmentDto>>(&path).await }
    });
    let page_info =
        Signal::derive(move || enrollments.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    let enroll_tag = move |_| {
        let Some(tag_name) = Some(tag.get_untracked()).filter(|t| !t.is_empty()) else {
            toasts.error("Pick a tag first");
            return;
        };
        let input = EnrollInput {
            audience: Audience {
                kind: AudienceKind::Filter,
                filter: AudienceFilter {
                    tag: Some(tag_name),
                    ..AudienceFilter::default()
                },
                contact_ids: Vec::new(),
            },
            deal_id: None,
        };
        spawn_local(async move {
            match api::post::<EnrollOutcome>(&format!("/sequences/{sequence_id}/enrollments"), &input).await {
                Ok(o) => {
                    toasts.success(format!(
                        "{} enrolled · {} already in it · {} left out",
                        o.enrolled,
                        o.already_enrolled,
                        o.excluded.total()
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let act = move |enrollment: Uuid, action: &'static str| {
        spawn_local(async move {
            match api::post::<EnrollmentDto>(&format!("/sequence-enrollments/{enrollment}/{action}"), &()).await {
                Ok(e) => {
                    toasts.success(format!(
                        "{} is {}",
                        e.contact_name.unwrap_or_default(),
                        e.state.label().to_lowercase()
                    ));
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    view! {
        <section class="card">
            <div class="toolbar">
                <h2 class="card-title">"Enrolled contacts"</h2>
                <label class="filter">
                    <span>"State"</span>
                    <select data-testid="enrollment-state-filter" on:change=move |ev| state_filter.set(event_target_value(&ev))>
                        <option value="">"Any"</option>
                        {EnrollmentState::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {can_manage.then(|| view! {
                <div class="toolbar enroll-bar">
                    <label class="filter">
                        <span>"Enroll everyone tagged"</span>
                        <select data-testid="enroll-tag" on:change=move |ev| tag.set(event_target_value(&ev))>
                            <option value="">"Pick a tag"</option>
                            {move || tags.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| view! {
                                <option value=t.name.clone()>{t.name.clone()}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button class="btn btn-secondary" data-testid="enroll-tag-submit" on:click=enroll_tag>"Enroll"</button>
                    <span class="muted">"Or use “Add to sequence” on a contact."</span>
                </div>
            })}
            <Transition fallback=|| view! { <SkeletonRows rows=4 /> }>
                {move || enrollments.get().map(|result| match result {
                    Ok(page) if page.items.is_empty() => view! { <p class="muted">"Nobody is enrolled yet."</p> }.into_any(),
                    Ok(page) => view! {
                        <table class="table" data-testid="enrollments-table">
                            <thead><tr>
                                <th scope="col">"Contact"</th>
                                <th scope="col">"State"</th>
                                <th scope="col">"Step"</th>
                                <th scope="col">"Next step"</th>
                                <th scope="col">"Enrolled"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {page.items.into_iter().map(|e| {
                                    let mine = can_manage || e.enrolled_by == me;
                                    let enrollment = e.id;
                                    let badge = state_badge(&e);
                                    let contact_name = e.contact_name.clone().unwrap_or_default();
                                    let contact_email = e.contact_email.clone();
                                    let step = if e.state.is_open() { format!("Step {}", e.current_step + 1) } else { "—".into() };
                                    let next = e.next_step_at.filter(|_| e.state == EnrollmentState::Active).map(|at| due(&at));
                                    view! {
                                        <tr data-state=e.state.as_str()>
                                            <td>
                                                <A href=format!("/contacts/{}", e.contact_id)>{contact_name}</A>
                                                <span class="muted">" "{contact_email}</span>
                                            </td>
                                            <td>{badge}</td>
                                            <td>{step}</td>
                                            <td class="muted">{next}</td>
                                            <td class="muted">{relative(&e.created_at)}</td>
                                            <td class="row-actions">
                                                {(mine && e.state == EnrollmentState::Active).then(|| view! {
                                                    <button class="btn btn-ghost btn-small" on:click=move |_| act(enrollment, "pause")>"Pause"</button>
                                                })}
                                                {(mine && e.state == EnrollmentState::Paused).then(|| view! {
                                                    <button class="btn btn-ghost btn-small" on:click=move |_| act(enrollment, "resume")>"Resume"</button>
                                                })}
                                                {(mine && e.state.is_open()).then(|| view! {
                                                    <button class="btn btn-ghost btn-small btn-danger-text" on:click=move |_| act(enrollment, "exit")>"Stop"</button>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
            <Pager cursors=cursors per_page=PER_PAGE page=page_info />
        </section>
    }
}
