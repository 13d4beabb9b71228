//! "My tasks": the open tasks of the signed-in user, in the groups people plan a day by.

use super::{kind_icon, related_link, with_done};
use crate::api;
use crate::components::{EmptyState, SkeletonRows};
use crate::format::due as due_time;
use crate::toast::use_toasts;
use kite_shared::crm::activities::{ActivityDto, MyTasks};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use std::collections::HashSet;
use uuid::Uuid;

#[component]
pub fn MyTasksCard(reload: RwSignal<u32>, add_open: RwSignal<bool>) -> impl IntoView {
    let toasts = use_toasts();
    // Ticked tasks leave at once; the reload that follows confirms it.
    let ticked = RwSignal::new(HashSet::<Uuid>::new());
    let tasks = LocalResource::new(move || {
        reload.track();
        // "Today" is the user's today: the server needs the offset east of UTC, which
        // is the negated JavaScript offset.
        let offset = -(js_sys::Date::new_0().get_timezone_offset() as i32);
        let path = format!("/my-tasks?tz_offset_minutes={offset}");
        async move { api::get::<MyTasks>(&path).await }
    });
    let on_done = Callback::new(move |task: ActivityDto| {
        ticked.update(|t| {
            t.insert(task.id);
        });
        let body = with_done(&task, true);
        spawn_local(async move {
            match api::put::<ActivityDto>(&format!("/activities/{}", task.id), &body).await {
                Ok(_) => {
                    toasts.success("Done");
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    ticked.update(|t| {
                        t.remove(&task.id);
                    });
                    toasts.error(e.message);
                }
            }
        });
    });
    view! {
        <section class="card" data-testid="my-tasks">
            <h2 class="card-title">
                <Icon icon=icondata::LuListTodo />
                "My tasks"
            </h2>
            <Transition fallback=|| view! { <SkeletonRows rows=4 /> }>
                {move || {
                    tasks
                        .get()
                        .map(|result| match result {
                            Ok(mine) => {
                                let groups = [
                                    ("overdue", "Overdue", mine.overdue),
                                    ("today", "Today", mine.today),
                                    ("upcoming", "Upcoming", mine.upcoming),
                                    ("someday", "No date", mine.someday),
                                ];
                                let total: usize = groups.iter().map(|(_, _, l)| l.len()).sum();
                                if total == 0 {
                                    return view! {
                                        <EmptyState
                                            icon=icondata::LuCircleCheck
                                            title="No open tasks"
                                            text="Add a task with a due time and it shows up here on the day."
                                        >
                                            <button class="btn btn-primary" on:click=move |_| add_open.set(true)>
                                                "Add task"
                                            </button>
                                        </EmptyState>
                                    }
                                        .into_any();
                                }
                                view! {
                                    <div class="task-groups">
                                        {groups
                                            .into_iter()
                                            .map(|(key, title, list)| {
                                                view! { <TaskGroup key=key title=title tasks=list ticked=ticked on_done=on_done /> }
                                            })
                                            .collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn TaskGroup(
    key: &'static str,
    title: &'static str,
    tasks: Vec<ActivityDto>,
    ticked: RwSignal<HashSet<Uuid>>,
    on_done: Callback<ActivityDto>,
) -> impl IntoView {
    let ids: Vec<Uuid> = tasks.iter().map(|t| t.id).collect();
    let count = Memo::new(move |_| ticked.with(|t| ids.iter().filter(|id| !t.contains(id)).count()));
    view! {
        <div class=format!("task-group task-group-{key}") data-testid=format!("tasks-{key}") hidden=move || count.get() == 0>
            <h3 class="task-group-title">{title} <span class="badge">{count}</span></h3>
            <ul class="task-list">
                {tasks
                    .into_iter()
                    .map(|task| {
                        let id = task.id;
                        view! {
                            <Show when=move || !ticked.with(|t| t.contains(&id))>
                                <TaskItem task=task.clone() on_done=on_done />
                            </Show>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn TaskItem(task: ActivityDto, on_done: Callback<ActivityDto>) -> impl IntoView {
    let label = format!("Mark “{}” done", task.subject);
    let due = task.due_at.as_ref().map(due_time);
    let link = related_link(&task);
    let icon = kind_icon(task.kind);
    let subject = task.subject.clone();
    view! {
        <li class="task-item">
            <input
                type="checkbox"
                class="task-check"
                aria-label=label
                on:change=move |_| on_done.run(task.clone())
            />
            <span class="timeline-icon">
                <Icon icon=icon />
            </span>
            <div class="task-text">
                <div class="task-subject">{subject}</div>
                <div class="muted small task-meta">
                    {due.map(|d| view! { <time>{d}</time> })}
                    {link}
                </div>
            </div>
        </li>
    }
}
