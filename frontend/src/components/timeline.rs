//! A record's timeline (notes, activities, stage moves, edits; newest first) with the
//! quick actions people use most on a record's page: add a note, log a call, add a task.

use crate::api;
use crate::components::SkeletonRows;
use crate::format::{date_time, relative};
use crate::toast::use_toasts;
use chrono::NaiveDate;
use kite_shared::crm::activities::{ActivityDto, ActivityInput, ActivityKind};
use kite_shared::crm::notes::{NoteDto, NoteInput, RecordKind};
use kite_shared::crm::timeline::TimelineEntry;
use kite_shared::page::Page;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

const PAGE: u64 = 30;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Note,
    Call,
    Task,
}

/// `refresh` is bumped by the page when something it did (a stage move) shows up here.
#[component]
pub fn RecordTimeline(
    kind: RecordKind,
    id: Uuid,
    #[prop(optional, into)] refresh: Option<Signal<u32>>,
    /// Whether the user may add to the record.
    #[prop(default = true)]
    can_add: bool,
) -> impl IntoView {
    let base = format!("/{}/{id}/timeline?per_page={PAGE}", kind.plural());
    let own_refresh = RwSignal::new(0u32);
    let older = RwSignal::new(Vec::<TimelineEntry>::new());
    // The cursor of the entries after those on screen; none once the oldest is shown.
    let next = RwSignal::new(None::<String>);
    let first = LocalResource::new({
        let base = base.clone();
        move || {
            own_refresh.track();
            if let Some(r) = refresh {
                r.track();
            }
            let path = base.clone();
            async move { api::get::<Page<TimelineEntry>>(&path).await }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(page)) = first.get() {
            older.set(Vec::new());
            next.set(page.next_cursor);
        }
    });
    let load_older = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        let path = api::with_cursor(&base, Some(cursor));
        spawn_local(async move {
            if let Ok(page) = api::get::<Page<TimelineEntry>>(&path).await {
                next.set(page.next_cursor);
                older.update(|o| o.extend(page.items));
            }
        });
    };
    view! {
        <section class="card" data-testid="timeline">
            <h2 class="card-title">
                <Icon icon=icondata::LuActivity />
                "Timeline"
            </h2>
            {can_add.then(|| view! { <QuickActions kind=kind id=id on_added=Callback::new(move |_| own_refresh.update(|n| *n += 1)) /> })}
            <Transition fallback=|| view! { <SkeletonRows rows=4 /> }>
                {move || {
                    first
                        .get()
                        .map(|result| match result {
                            Ok(page) if page.items.is_empty() => {
                                view! { <p class="muted">"Nothing here yet. Notes, calls and tasks will show up here."</p> }.into_any()
                            }
                            Ok(page) => {
                                view! {
                                    <ol class="timeline">
                                        {page.items.into_iter().map(|e| view! { <TimelineItem entry=e /> }).collect_view()}
                                        {move || older.get().into_iter().map(|e| view! { <TimelineItem entry=e /> }).collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
            <Show when=move || next.with(Option::is_some)>
                <button type="button" class="btn btn-ghost btn-small timeline-more" on:click=load_older.clone()>
                    "Show older"
                </button>
            </Show>
        </section>
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let icon = match entry.kind.as_str() {
        "note" => icondata::LuStickyNote,
        "activity" => icondata::LuCalendarCheck,
        "stage_change" => icondata::LuArrowRightLeft,
        "email" => icondata::LuMail,
        _ => icondata::LuPencil,
    };
    view! {
        <li class="timeline-item" data-kind=entry.kind.clone()>
            <span class="timeline-icon">
                <Icon icon=icon />
            </span>
            <div class="timeline-text">
                <div class="timeline-title">{entry.title.clone()}</div>
                {entry.body.clone().filter(|b| !b.trim().is_empty()).map(|b| view! { <p class="pre-line timeline-body">{b}</p> })}
                <div class="muted small">
                    {entry.actor_name.clone().map(|n| format!("{n} · "))}
                    <time title=date_time(&entry.at)>{relative(&entry.at)}</time>
                </div>
            </div>
        </li>
    }
}

#[component]
fn QuickActions(kind: RecordKind, id: Uuid, on_added: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let action = RwSignal::new(Action::Note);
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let activity = move |kind_of: ActivityKind| {
        let mut input = ActivityInput {
            kind: Some(kind_of),
            subject: subject.get_untracked().trim().to_owned(),
            body: Some(body.get_untracked().trim().to_owned()).filter(|b| !b.is_empty()),
            done: Some(kind_of == ActivityKind::Call),
            due_at: due
                .get_untracked()
                .parse::<NaiveDate>()
                .ok()
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map(|d| d.and_utc()),
            ..Default::default()
        };
        match kind {
            RecordKind::Contact => input.contact_id = Some(id),
            RecordKind::Company => input.company_id = Some(id),
            RecordKind::Deal => input.deal_id = Some(id),
        }
        input
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let chosen = action.get_untracked();
        let note = NoteInput {
            body: body.get_untracked().trim().to_owned(),
        };
        let errors = match chosen {
            Action::Note => note.validate(),
            Action::Call => activity(ActivityKind::Call).validate(),
            Action::Task => activity(ActivityKind::Task).validate(),
        };
        if let Some(e) = errors.first() {
            problem.set(Some(e.message.clone()));
            return;
        }
        busy.set(true);
        let path = format!("/{}/{id}/notes", kind.plural());
        let call = activity(ActivityKind::Call);
        let task = activity(ActivityKind::Task);
        spawn_local(async move {
            let done = match chosen {
                Action::Note => api::post::<NoteDto>(&path, &note).await.map(|_| "Note added."),
                Action::Call => api::post::<ActivityDto>("/activities", &call)
                    .await
                    .map(|_| "Call logged."),
                Action::Task => api::post::<ActivityDto>("/activities", &task)
                    .await
                    .map(|_| "Task added."),
            };
            busy.set(false);
            match done {
                Ok(message) => {
                    toasts.success(message);
                    subject.set(String::new());
                    body.set(String::new());
                    due.set(String::new());
                    problem.set(None);
                    on_added.run(());
                }
                Err(e) => problem.set(Some(e.errors.first().map_or(e.message, |f| f.message.clone()))),
            }
        });
    };
    let tab = move |which: Action, label: &'static str, icon: icondata::Icon| {
        view! {
            <button
                type="button"
                role="tab"
                class="quick-tab"
                aria-selected=move || if action.get() == which { "true" } else { "false" }
                on:click=move |_| {
                    action.set(which);
                    problem.set(None);
                }
            >
                <Icon icon=icon />
                {label}
            </button>
        }
    };
    let is = move |which: Action| action.get() == which;
    view! {
        <form class="quick-actions" on:submit=on_submit novalidate=true data-testid="quick-actions">
            <div class="quick-tabs" role="tablist" aria-label="Add to the timeline">
                {tab(Action::Note, "Add note", icondata::LuStickyNote)}
                {tab(Action::Call, "Log a call", icondata::LuPhone)}
                {tab(Action::Task, "Add task", icondata::LuListTodo)}
            </div>
            <Show when=move || !is(Action::Note)>
                <input
                    type="text"
                    name="subject"
                    aria-label="Subject"
                    placeholder=move || if is(Action::Call) { "What was the call about?" } else { "What needs doing?" }
                    prop:value=move || subject.get()
                    on:input=move |ev| subject.set(event_target_value(&ev))
                />
            </Show>
            <Show when=move || !is(Action::Task)>
                <textarea
                    name="body"
                    rows=3
                    aria-label=move || if is(Action::Note) { "Note" } else { "Call notes" }
                    placeholder=move || if is(Action::Note) { "Write a note…" } else { "Notes from the call (optional)" }
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
            </Show>
            <Show when=move || is(Action::Task)>
                <label class="quick-due">
                    "Due"
                    <input
                        type="date"
                        name="due"
                        min=crate::format::now().date_naive().to_string()
                        prop:value=move || due.get()
                        on:input=move |ev| due.set(event_target_value(&ev))
                    />
                </label>
            </Show>
            <p class="field-error" role="alert">{move || problem.get()}</p>
            <div class="quick-actions-foot">
                <button type="submit" class="btn btn-primary btn-small" disabled=move || busy.get()>
                    {move || match action.get() {
                        Action::Note => "Add note",
                        Action::Call => "Log call",
                        Action::Task => "Add task",
                    }}
                </button>
            </div>
        </form>
    }
}
