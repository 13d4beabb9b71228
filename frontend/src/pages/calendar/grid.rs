//! The month and week views: a cell per day with its events; events are dragged to
//! another day, or moved by keyboard (Alt+←/→ a day, Alt+↑/↓ a week).

use super::dates::{WEEKDAYS, days_of, local_time};
use super::drag::DayDrag;
use chrono::{Datelike, Duration, NaiveDate};
use kite_shared::crm::activities::{ActivityDto, ActivityKind};
use leptos::prelude::*;
use uuid::Uuid;

/// What a day cell offers: open an event, add one on the day, move one.
#[derive(Clone, Copy)]
pub struct DayActions {
    pub open: Callback<ActivityDto>,
    pub add: Callback<NaiveDate>,
    pub move_to: Callback<(Uuid, NaiveDate)>,
    pub drag: DayDrag,
}

fn kind_class(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Meeting => "cal-event cal-meeting",
        ActivityKind::Call => "cal-event cal-call",
        ActivityKind::Task => "cal-event cal-task",
        _ => "cal-event",
    }
}

#[component]
fn EventChip(event: ActivityDto, day: NaiveDate, actions: DayActions) -> impl IntoView {
    let id = event.id;
    let label = if event.all_day {
        event.subject.clone()
    } else {
        let time = event.due_at.as_ref().map(local_time).unwrap_or_default();
        format!("{time} {}", event.subject)
    };
    let first_day = days_of(&event).map(|(first, _)| first).unwrap_or(day);
    let done = event.done_at.is_some();
    let for_click = event.clone();
    let title = format!("{} · {}", event.kind.label(), event.subject);
    view! {
        <button
            type="button"
            class=kind_class(event.kind)
            class:cal-event-done=done
            class:cal-event-dragging=move || actions.drag.dragging(id)
            data-event-id=id.to_string()
            title=title
            on:pointerdown=move |e| actions.drag.press(&e, id)
            on:click=move |_| actions.open.run(for_click.clone())
            on:keydown=move |e| {
                if !e.alt_key() {
                    return;
                }
                let days = match e.key().as_str() {
                    "ArrowLeft" => -1,
                    "ArrowRight" => 1,
                    "ArrowUp" => -7,
                    "ArrowDown" => 7,
                    _ => return,
                };
                e.prevent_default();
                actions.move_to.run((id, first_day + Duration::days(days)));
            }
        >
            {label}
        </button>
    }
}

#[component]
fn DayCell(
    day: NaiveDate,
    events: Vec<ActivityDto>,
    actions: DayActions,
    #[prop(optional)] outside: bool,
    today: NaiveDate,
) -> impl IntoView {
    let label = if day.day() == 1 {
        day.format("%-d %b").to_string()
    } else {
        day.day().to_string()
    };
    view! {
        <div
            class="cal-day"
            class:cal-day-outside=outside
            class:cal-day-today=day == today
            class:cal-day-target=move || actions.drag.over(day)
            data-day=day.format("%Y-%m-%d").to_string()
        >
            <div class="cal-day-head">
                <span class="cal-day-number">{label}</span>
                <button
                    type="button"
                    class="cal-add"
                    title=format!("Add an event on {}", day.format("%-d %B"))
                    aria-label=format!("Add an event on {}", day.format("%-d %B"))
                    on:click=move |_| actions.add.run(day)
                >
                    "+"
                </button>
            </div>
            <div class="cal-day-events">
                {events.into_iter().map(|event| view! { <EventChip event=event day=day actions=actions /> }).collect_view()}
            </div>
        </div>
    }
}

fn on_day(events: &[ActivityDto], day: NaiveDate) -> Vec<ActivityDto> {
    let mut list: Vec<ActivityDto> = events
        .iter()
        .filter(|e| days_of(e).is_some_and(|(first, last)| first <= day && day <= last))
        .cloned()
        .collect();
    // All-day events first, then by time.
    list.sort_by_key(|e| (!e.all_day, e.due_at));
    list
}

#[component]
pub fn DayGrid(
    days: Vec<NaiveDate>,
    events: Vec<ActivityDto>,
    actions: DayActions,
    /// The month shown, to grey the days around it; none for a week.
    month: Option<u32>,
    today: NaiveDate,
) -> impl IntoView {
    let week = month.is_none();
    view! {
        <div class="cal-grid" class:cal-grid-week=week data-testid="calendar-grid">
            {WEEKDAYS
                .iter()
                .zip(days.iter())
                .map(|(weekday, day)| {
                    let text = if week { day.format("%a %-d").to_string() } else { weekday.to_string() };
                    view! { <div class="cal-weekday">{text}</div> }
                })
                .collect_view()}
            {days
                .iter()
                .map(|day| {
                    let outside = month.is_some_and(|m| day.month() != m);
                    view! {
                        <DayCell day=*day events=on_day(&events, *day) actions=actions outside=outside today=today />
                    }
                })
                .collect_view()}
        </div>
    }
}
