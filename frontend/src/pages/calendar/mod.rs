//! The calendar: meetings, calls and tasks with a time, by month, week or as an agenda;
//! the signed-in user's own by default, or the whole team's. Events are dragged (or
//! moved by keyboard) to another day; "Subscribe" gives the ICS feed URL.

mod agenda;
mod dates;
mod drag;
mod event_form;
mod feed;
mod grid;

use crate::api;
use crate::format::now;
use crate::live::on_record_changes;
use crate::session::use_session;
use crate::team::Team;
use crate::toast::use_toasts;
use agenda::Agenda;
use chrono::{Duration, NaiveDate};
use dates::{add_months, local_date, month_days, moved_to, start_of_day, week_days};
use drag::DayDrag;
use event_form::{Editing, EventDialog};
use feed::FeedDialog;
use grid::{DayActions, DayGrid};
use kite_shared::crm::activities::ActivityDto;
use kite_shared::crm::calendar::{CalendarEvents, RescheduleInput};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;

const AGENDA_DAYS: i64 = 28;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum View {
    Month,
    Week,
    Agenda,
}

impl View {
    fn label(self) -> &'static str {
        match self {
            View::Month => "Month",
            View::Week => "Week",
            View::Agenda => "Agenda",
        }
    }
}

fn days_of_view(view: View, anchor: NaiveDate) -> Vec<NaiveDate> {
    match view {
        View::Month => month_days(anchor),
        View::Week => week_days(anchor),
        View::Agenda => anchor.iter_days().take(AGENDA_DAYS as usize).collect(),
    }
}

fn title_of(view: View, anchor: NaiveDate) -> String {
    match view {
        View::Month => anchor.format("%B %Y").to_string(),
        View::Week => {
            let days = week_days(anchor);
            match (days.first(), days.last()) {
                (Some(first), Some(last)) => format!("{} – {}", first.format("%-d %b"), last.format("%-d %b %Y")),
                _ => String::new(),
            }
        }
        View::Agenda => format!("From {}", anchor.format("%-d %B %Y")),
    }
}

fn step(view: View, anchor: NaiveDate, forward: bool) -> NaiveDate {
    let sign = if forward { 1 } else { -1 };
    match view {
        View::Month => add_months(anchor, sign),
        View::Week => anchor + Duration::days(7 * i64::from(sign)),
        View::Agenda => anchor + Duration::days(AGENDA_DAYS * i64::from(sign)),
    }
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let team = Team::load();
    let today = local_date(&now());
    let view = RwSignal::new(View::Month);
    let anchor = RwSignal::new(today);
    let scope = RwSignal::new("mine".to_owned());
    let reload = RwSignal::new(0u32);
    let editing = RwSignal::new(None::<Editing>);
    let feed_open = RwSignal::new(false);
    on_record_changes(&["activity"], Callback::new(move |()| reload.update(|n| *n += 1)));
    let days = Memo::new(move |_| days_of_view(view.get(), anchor.get()));
    let events = LocalResource::new(move || {
        reload.track();
        let days = days.get();
        let user = (scope.get() == "mine")
            .then(|| session.me().map(|me| me.user.id.to_string()))
            .flatten();
        async move {
            let (Some(first), Some(last)) = (days.first(), days.last()) else {
                return Ok(CalendarEvents {
                    items: Vec::new(),
                    truncated: false,
                });
            };
            let path = format!(
                "/calendar{}",
                api::query(&[
                    ("from", Some(start_of_day(*first).to_rfc3339())),
                    ("to", Some(start_of_day(*last + Duration::days(1)).to_rfc3339())),
                    ("user_id", user),
                ])
            );
            api::get::<CalendarEvents>(&path).await
        }
    });
    let loaded = StoredValue::new(Vec::<ActivityDto>::new());
    let move_to = Callback::new(move |(id, day): (uuid::Uuid, NaiveDate)| {
        let Some(event) = loaded.with_value(|list| list.iter().find(|e| e.id == id).cloned()) else {
            return;
        };
        let Some(due_at) = moved_to(&event, day) else { return };
        if Some(due_at) == event.due_at {
            return;
        }
        spawn_local(async move {
            let body = RescheduleInput { due_at, ends_at: None };
            match api::post::<ActivityDto>(&format!("/activities/{id}/reschedule"), &body).await {
                Ok(moved) => toasts.success(format!("“{}” moved to {}.", moved.subject, day.format("%a %-d %b"))),
                Err(e) => toasts.error(e.explained()),
            }
            reload.update(|n| *n += 1);
        });
    });
    let actions = DayActions {
        open: Callback::new(move |event| editing.set(Some(Editing::Existing(Box::new(event))))),
        add: Callback::new(move |day| editing.set(Some(Editing::New(day)))),
        move_to,
        drag: DayDrag::new(move_to),
    };
    let views = [View::Month, View::Week, View::Agenda];
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Calendar"</h1>
                    <p class="muted">"Meetings, calls and tasks. Drag an event to another day, or focus it and press Alt+←/→ (a day) or Alt+↑/↓ (a week)."</p>
                </div>
                <div class="page-actions">
                    <button class="btn btn-ghost" data-testid="subscribe-calendar" on:click=move |_| feed_open.set(true)>
                        <Icon icon=icondata::LuRss />
                        "Subscribe"
                    </button>
                    <button class="btn btn-primary" data-testid="new-event" on:click=move |_| editing.set(Some(Editing::New(anchor.get_untracked().max(today))))>
                        <Icon icon=icondata::LuCalendarPlus />
                        "New event"
                    </button>
                </div>
            </header>
            <div class="toolbar cal-toolbar">
                <div class="btn-group">
                    <button class="btn btn-ghost" aria-label="Previous" data-testid="cal-prev" on:click=move |_| anchor.update(|a| *a = step(view.get_untracked(), *a, false))>"‹"</button>
                    <button class="btn btn-ghost" on:click=move |_| anchor.set(today)>"Today"</button>
                    <button class="btn btn-ghost" aria-label="Next" data-testid="cal-next" on:click=move |_| anchor.update(|a| *a = step(view.get_untracked(), *a, true))>"›"</button>
                </div>
                <h2 class="cal-title" data-testid="cal-title">{move || title_of(view.get(), anchor.get())}</h2>
                <span class="spacer"></span>
                <select class="input input-compact" aria-label="Whose events" prop:value=move || scope.get() on:change=move |ev| scope.set(event_target_value(&ev))>
                    <option value="mine">"My calendar"</option>
                    <option value="all">"Everyone"</option>
                </select>
                <div class="segmented" role="group" aria-label="View">
                    {views
                        .into_iter()
                        .map(|v| view! {
                            <button
                                type="button"
                                class="segmented-option"
                                class:active=move || view.get() == v
                                aria-pressed=move || (view.get() == v).to_string()
                                on:click=move |_| view.set(v)
                            >
                                {v.label()}
                            </button>
                        })
                        .collect_view()}
                </div>
            </div>
            <Transition fallback=|| view! { <div class="cal-loading muted">"Loading…"</div> }>
                {move || events.get().map(|result| match result {
                    Ok(found) => {
                        loaded.set_value(found.items.clone());
                        let truncated = found.truncated.then(|| view! {
                            <p class="form-alert">"More events than a view shows: choose “My calendar” or a shorter range."</p>
                        });
                        let body = match view.get() {
                            View::Agenda => view! { <Agenda days=days.get() events=found.items actions=actions /> }.into_any(),
                            View::Month => view! {
                                <DayGrid days=days.get() events=found.items actions=actions month=Some(chrono::Datelike::month(&anchor.get())) today=today />
                            }.into_any(),
                            View::Week => view! { <DayGrid days=days.get() events=found.items actions=actions month=None today=today /> }.into_any(),
                        };
                        view! { {truncated} {body} }.into_any()
                    }
                    Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
        </div>
        <EventDialog editing=editing team=team on_saved=Callback::new(move |()| reload.update(|n| *n += 1)) />
        <FeedDialog open=feed_open />
    }
}
