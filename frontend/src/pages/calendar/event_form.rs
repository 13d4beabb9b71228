//! Adding or editing a calendar event: a meeting, call or task on a day, with times on
//! the user's clock (saved with their time zone), a place, a reminder and attendees;
//! an existing one can also send invitations or be deleted.

use super::dates::{at_local, local_date, local_time};
use crate::api;
use crate::components::{FormAlert, Modal, SelectField, TextAreaField, TextField, open_while};
use crate::format::local_time_zone;
use crate::forms::{FormState, optional};
use crate::team::Team;
use crate::toast::use_toasts;
use chrono::NaiveDate;
use kite_shared::FieldError;
use kite_shared::UserId;
use kite_shared::crm::activities::{ActivityDto, ActivityInput, ActivityKind, AttendeeInput};
use kite_shared::crm::calendar::InvitationsSent;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::page::Page;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// What the dialog opens on: a new event on a day, or an existing one.
#[derive(Clone, Debug, PartialEq)]
pub enum Editing {
    New(NaiveDate),
    Existing(Box<ActivityDto>),
}

const REMINDERS: [(&str, &str); 8] = [
    ("", "No reminder"),
    ("0", "At the start"),
    ("5", "5 minutes before"),
    ("10", "10 minutes before"),
    ("15", "15 minutes before"),
    ("30", "30 minutes before"),
    ("60", "1 hour before"),
    ("1440", "1 day before"),
];

#[component]
pub fn EventDialog(editing: RwSignal<Option<Editing>>, team: Team, on_saved: Callback<()>) -> impl IntoView {
    let open = open_while(editing);
    let title = Signal::derive(move || match editing.get() {
        Some(Editing::Existing(_)) => "Edit event".to_owned(),
        _ => "New event".to_owned(),
    });
    view! {
        <Modal open=open title=title>
            {move || editing.get().map(|e| view! { <EventForm editing=e open=open team=team on_saved=on_saved /> })}
        </Modal>
    }
}

#[component]
fn EventForm(editing: Editing, open: RwSignal<bool>, team: Team, on_saved: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let existing = match &editing {
        Editing::Existing(e) => Some((**e).clone()),
        Editing::New(_) => None,
    };
    let id = existing.as_ref().map(|e| e.id);
    let day = match &editing {
        Editing::New(day) => *day,
        Editing::Existing(e) => e
            .due_at
            .map(|at| if e.all_day { at.date_naive() } else { local_date(&at) })
            .unwrap_or_default(),
    };
    let e = existing.as_ref();
    let subject = RwSignal::new(e.map(|e| e.subject.clone()).unwrap_or_default());
    let kind = RwSignal::new(e.map_or(ActivityKind::Meeting, |e| e.kind).as_str().to_owned());
    let date = RwSignal::new(day.format("%Y-%m-%d").to_string());
    let all_day = RwSignal::new(e.is_some_and(|e| e.all_day));
    let timed = |at: Option<chrono::DateTime<chrono::Utc>>, default: &str| {
        at.filter(|_| !e.is_some_and(|e| e.all_day))
            .map(|at| local_time(&at))
            .unwrap_or_else(|| default.to_owned())
    };
    let start = RwSignal::new(timed(e.and_then(|e| e.due_at), "09:00"));
    let end = RwSignal::new(if e.is_some() {
        timed(e.and_then(|e| e.ends_at), "")
    } else {
        "10:00".to_owned()
    });
    let location = RwSignal::new(e.and_then(|e| e.location.clone()).unwrap_or_default());
    let reminder = RwSignal::new(
        e.and_then(|e| e.reminder_minutes)
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    let body = RwSignal::new(e.and_then(|e| e.body.clone()).unwrap_or_default());
    let users = RwSignal::new(
        e.map(|e| e.attendees.iter().filter_map(|a| a.user_id).collect::<Vec<UserId>>())
            .unwrap_or_default(),
    );
    let contacts = RwSignal::new(
        e.map(|e| {
            e.attendees
                .iter()
                .filter_map(|a| a.contact_id.map(|id| (id, a.name.clone())))
                .collect::<Vec<(Uuid, String)>>()
        })
        .unwrap_or_default(),
    );
    let base = StoredValue::new(existing.clone());
    let form = FormState::new();
    let request = move || {
        let day: Option<NaiveDate> = date.get().parse().ok();
        let whole = all_day.get();
        let mut attendees: Vec<AttendeeInput> = contacts
            .get()
            .into_iter()
            .map(|(id, _)| AttendeeInput {
                contact_id: Some(id),
                user_id: None,
            })
            .collect();
        attendees.extend(users.get().into_iter().map(|id| AttendeeInput {
            contact_id: None,
            user_id: Some(id),
        }));
        let base = base.get_value().map(|b| b.to_input()).unwrap_or_default();
        ActivityInput {
            kind: Some(ActivityKind::parse(&kind.get())),
            subject: subject.get().trim().to_owned(),
            body: optional(&body.get()),
            due_at: day.and_then(|d| {
                if whole {
                    Some(d.and_time(chrono::NaiveTime::MIN).and_utc())
                } else {
                    at_local(d, &start.get())
                }
            }),
            ends_at: day
                .filter(|_| !whole && !end.get().is_empty())
                .and_then(|d| at_local(d, &end.get())),
            all_day: whole,
            location: optional(&location.get()),
            time_zone: (!whole).then(local_time_zone),
            reminder_minutes: reminder.get().parse().ok(),
            attendees: Some(attendees),
            ..base
        }
    };
    let errors = Memo::new(move |_| {
        let mut errors = request().validate();
        if date.get().parse::<NaiveDate>().is_err() {
            errors.push(FieldError::new("date", "invalid", "Choose a day."));
        }
        errors
    });
    // The API names times `due_at` and `ends_at`; here they are the start and end boxes.
    let error = move |field: &'static str| {
        Signal::derive(move || {
            let api_field = match field {
                "start" => "due_at",
                "end" => "ends_at",
                other => other,
            };
            form.error(api_field, &errors.get())
        })
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = untrack(request);
        spawn_local(async move {
            let saved = match id {
                Some(id) => api::put::<ActivityDto>(&format!("/activities/{id}"), &body).await,
                None => api::post::<ActivityDto>("/activities", &body).await,
            };
            match saved {
                Ok(saved) => {
                    form.done();
                    toasts.success(format!("{} saved.", saved.kind.label()));
                    open.set(false);
                    on_saved.run(());
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let invite = move |_| {
        let Some(id) = id else { return };
        spawn_local(async move {
            match api::post::<InvitationsSent>(&format!("/activities/{id}/invitations"), &()).await {
                Ok(sent) => toasts.success(format!("Invitation sent to {}.", sent.sent_to.join(", "))),
                Err(e) => toasts.error(e.explained()),
            }
        });
    };
    let remove = move |_| {
        let Some(id) = id else { return };
        spawn_local(async move {
            match api::delete(&format!("/activities/{id}")).await {
                Ok(()) => {
                    toasts.success("Event deleted.");
                    open.set(false);
                    on_saved.run(());
                }
                Err(e) => toasts.error(e.explained()),
            }
        });
    };
    let kinds = Signal::derive(|| {
        [ActivityKind::Meeting, ActivityKind::Call, ActivityKind::Task]
            .into_iter()
            .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
            .collect::<Vec<_>>()
    });
    let reminders = Signal::derive(|| {
        REMINDERS
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="event-form">
            <FormAlert form=form />
            <TextField
                name="subject"
                label="Title"
                value=subject
                form=form
                autocomplete="off"
                autofocus=true
                error=error("subject")
            />
            <div class="form-grid">
                <SelectField name="kind" label="Kind" value=kind options=kinds form=form />
                <TextField name="date" label="Day" value=date form=form input_type="date" error=error("date") />
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    name="all_day"
                    prop:checked=move || all_day.get()
                    on:change=move |ev| all_day.set(event_target_checked(&ev))
                />
                "All day"
            </label>
            <Show when=move || !all_day.get()>
                <div class="form-grid">
                    <TextField name="start" label="Starts" value=start form=form input_type="time" error=error("start") />
                    <TextField name="end" label="Ends" value=end form=form input_type="time" error=error("end") />
                </div>
            </Show>
            <div class="form-grid">
                <TextField name="location" label="Where" value=location form=form error=error("location") />
                <SelectField name="reminder" label="Reminder" value=reminder options=reminders form=form />
            </div>
            <Attendees team=team users=users contacts=contacts />
            <TextAreaField name="body" label="Notes" value=body form=form error=error("body") />
            <div class="modal-actions">
                {id.map(|_| view! {
                    <button type="button" class="btn btn-ghost btn-danger-text" data-testid="delete-event" on:click=remove>"Delete"</button>
                    <button type="button" class="btn btn-ghost" data-testid="send-invitations" on:click=invite>"Send invitations"</button>
                })}
                <span class="spacer"></span>
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Save"</button>
            </div>
        </form>
    }
}

/// Who is invited: people of the team ticked, contacts found by name.
#[component]
fn Attendees(team: Team, users: RwSignal<Vec<UserId>>, contacts: RwSignal<Vec<(Uuid, String)>>) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let found = LocalResource::new(move || {
        let q = query.get();
        async move {
            if q.trim().chars().count() < 2 {
                return Vec::new();
            }
            let path = format!(
                "/contacts{}",
                api::query(&[("q", Some(q.trim().to_owned())), ("per_page", Some("8".into()))])
            );
            api::get::<Page<ContactDto>>(&path)
                .await
                .map(|p| p.items)
                .unwrap_or_default()
        }
    });
    view! {
        <fieldset class="field attendees">
            <legend class="field-label">"Attendees"</legend>
            <div class="attendee-chips">
                {move || {
                    contacts
                        .get()
                        .into_iter()
                        .map(|(id, name)| {
                            view! {
                                <span class="chip" data-testid="attendee">
                                    {name.clone()}
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=format!("Remove {name}")
                                        on:click=move |_| contacts.update(|c| c.retain(|(x, _)| *x != id))
                                    >
                                        "×"
                                    </button>
                                </span>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <input
                class="input"
                name="attendee_search"
                placeholder="Add a contact by name or email"
                autocomplete="off"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <div class="attendee-results">
                {move || {
                    found
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|c| !contacts.with(|list| list.iter().any(|(id, _)| *id == c.id)))
                        .map(|c| {
                            let (id, name) = (c.id, c.full_name());
                            let label = match &c.email {
                                Some(email) => format!("{name} · {email}"),
                                None => name.clone(),
                            };
                            view! {
                                <button
                                    type="button"
                                    class="btn btn-ghost btn-small"
                                    data-testid="attendee-option"
                                    on:click=move |_| {
                                        contacts.update(|list| list.push((id, name.clone())));
                                        query.set(String::new());
                                    }
                                >
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <div class="attendee-team">
                {move || {
                    team.active()
                        .into_iter()
                        .map(|u| {
                            let id = u.id;
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        prop:checked=move || users.with(|ids| ids.contains(&id))
                                        on:change=move |_| {
                                            users.update(|ids| {
                                                if let Some(i) = ids.iter().position(|x| *x == id) {
                                                    ids.remove(i);
                                                } else {
                                                    ids.push(id);
                                                }
                                            })
                                        }
                                    />
                                    {u.name}
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </div>
        </fieldset>
    }
}
