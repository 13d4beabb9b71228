//! The agenda: the coming weeks as a list, day by day, for planning and for reading on
//! a phone.

use super::dates::{days_of, local_time};
use super::grid::DayActions;
use chrono::NaiveDate;
use kite_shared::crm::activities::ActivityDto;
use leptos::prelude::*;

#[component]
pub fn Agenda(days: Vec<NaiveDate>, events: Vec<ActivityDto>, actions: DayActions) -> impl IntoView {
    let groups: Vec<(NaiveDate, Vec<ActivityDto>)> = days
        .into_iter()
        .map(|day| {
            let list: Vec<ActivityDto> = events
                .iter()
                .filter(|e| days_of(e).is_some_and(|(first, last)| first <= day && day <= last))
                .cloned()
                .collect();
            (day, list)
        })
        .filter(|(_, list)| !list.is_empty())
        .collect();
    if groups.is_empty() {
        return view! { <p class="muted cal-agenda-empty">"Nothing planned in these weeks."</p> }.into_any();
    }
    view! {
        <div class="cal-agenda" data-testid="calendar-agenda">
            {groups
                .into_iter()
                .map(|(day, list)| {
                    view! {
                        <section class="cal-agenda-day">
                            <h3>{day.format("%A %-d %B").to_string()}</h3>
                            <ul>
                                {list
                                    .into_iter()
                                    .map(|event| {
                                        let when = if event.all_day {
                                            "All day".to_owned()
                                        } else {
                                            let start = event.due_at.as_ref().map(local_time).unwrap_or_default();
                                            match event.ends_at.as_ref() {
                                                Some(end) => format!("{start}–{}", local_time(end)),
                                                None => start,
                                            }
                                        };
                                        let place = event.location.clone();
                                        let kind = event.kind.label();
                                        let subject = event.subject.clone();
                                        let id = event.id.to_string();
                                        view! {
                                            <li>
                                                <button
                                                    type="button"
                                                    class="cal-agenda-item"
                                                    data-event-id=id
                                                    on:click=move |_| actions.open.run(event.clone())
                                                >
                                                    <span class="cal-agenda-time">{when}</span>
                                                    <span class="cal-agenda-subject">{subject}</span>
                                                    <span class="muted">{kind}{place.map(|p| format!(" · {p}"))}</span>
                                                </button>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
                .collect_view()}
        </div>
    }
    .into_any()
}
