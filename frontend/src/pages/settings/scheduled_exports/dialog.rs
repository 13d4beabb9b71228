//! The create and edit dialog: which list and how, when, and to whom.

use super::{LISTS, format_label, list_label};
use crate::api;
use crate::components::{FormAlert, Modal, SelectField, TextAreaField, TextField};
use crate::format::time_zones;
use crate::forms::FormState;
use crate::toast::use_toasts;
use kite_shared::imports::ImportEntity;
use kite_shared::scheduled_exports::{
    ExportFormat, Frequency, Schedule, ScheduledExportDto, ScheduledExportInput, WEEKDAYS,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// "New scheduled export" without `id`, the schedule `id` with it; either way the form
/// starts from `draft` as it is when the dialog opens.
#[component]
pub fn ScheduleDialog(
    open: RwSignal<bool>,
    #[prop(optional)] id: Option<Uuid>,
    #[prop(into)] draft: Signal<ScheduledExportInput>,
    on_saved: Callback<ScheduledExportDto>,
) -> impl IntoView {
    let title = if id.is_some() {
        "Edit scheduled export"
    } else {
        "New scheduled export"
    };
    view! {
        <Modal open=open title=title>
            <ScheduleForm open=open id=id draft=draft.get_untracked() on_saved=on_saved />
        </Modal>
    }
}

/// Addresses as people paste them: one a line, or separated by commas or semicolons.
fn recipient_list(text: &str) -> Vec<String> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned)
        .collect()
}

fn options<T: Copy>(all: &[T], value: impl Fn(T) -> String, label: impl Fn(T) -> String) -> Vec<(String, String)> {
    all.iter().map(|&item| (value(item), label(item))).collect()
}

#[component]
fn ScheduleForm(
    open: RwSignal<bool>,
    id: Option<Uuid>,
    draft: ScheduledExportInput,
    on_saved: Callback<ScheduledExportDto>,
) -> impl IntoView {
    let toasts = use_toasts();
    let when = draft.schedule;
    let name = RwSignal::new(draft.name);
    let entity = RwSignal::new(draft.entity.as_str().to_owned());
    let format = RwSignal::new(draft.format.as_str().to_owned());
    let filters = RwSignal::new(draft.filters);
    let frequency = RwSignal::new(when.frequency.as_str().to_owned());
    // Every input keeps a value, so switching the frequency back and forth loses nothing.
    let time = RwSignal::new(when.time.unwrap_or_else(|| "08:00".into()));
    let weekday = RwSignal::new(when.weekday.unwrap_or(1).to_string());
    let day_of_month = RwSignal::new(when.day_of_month.unwrap_or(1).to_string());
    let cron = RwSignal::new(when.cron.unwrap_or_default());
    let time_zone = RwSignal::new(when.time_zone);
    let recipients = RwSignal::new(draft.recipients.join("\n"));
    let enabled = RwSignal::new(draft.enabled);
    let form = FormState::new();

    let chosen = Memo::new(move |_| Frequency::parse(&frequency.get()).unwrap_or_default());
    let request = move || {
        let frequency = chosen.get();
        ScheduledExportInput {
            name: name.get().trim().to_owned(),
            entity: ImportEntity::parse(&entity.get()).unwrap_or(ImportEntity::Contacts),
            format: ExportFormat::parse(&format.get()).unwrap_or_default(),
            filters: filters.get().trim().to_owned(),
            // Only what the frequency uses is sent, so a schedule stores no stray day or time.
            schedule: Schedule {
                frequency,
                time: (frequency != Frequency::Cron).then(|| time.get().trim().to_owned()),
                weekday: (frequency == Frequency::Weekly)
                    .then(|| weekday.get().parse().ok())
                    .flatten(),
                day_of_month: (frequency == Frequency::Monthly)
                    .then(|| day_of_month.get().trim().parse().ok())
                    .flatten(),
                cron: (frequency == Frequency::Cron).then(|| cron.get().trim().to_owned()),
                time_zone: time_zone.get().trim().to_owned(),
            },
            recipients: recipient_list(&recipients.get()),
            enabled: enabled.get(),
        }
    };
    let errors = Memo::new(move |_| request().validate());
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    // The rules speak of `recipients[2]`; the user sees which address that is.
    let recipients_error = Signal::derive(move || {
        let errors = errors.get();
        form.error("recipients", &errors).or_else(|| {
            recipient_list(&recipients.get())
                .iter()
                .enumerate()
                .find_map(|(i, email)| {
                    form.error(&format!("recipients[{i}]"), &errors)
                        .map(|message| format!("{email}: {message}"))
                })
        })
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = untrack(request);
        spawn_local(async move {
            let saved = match id {
                Some(id) => api::put::<ScheduledExportDto>(&format!("/scheduled-exports/{id}"), &body).await,
                None => api::post::<ScheduledExportDto>("/scheduled-exports", &body).await,
            };
            match saved {
                Ok(export) => {
                    form.done();
                    let verb = if id.is_some() { "saved" } else { "scheduled" };
                    toasts.success(format!("“{}” was {verb}.", export.name));
                    open.set(false);
                    on_saved.run(export);
                }
                Err(error) => form.fail(error),
            }
        });
    };

    let lists = options(&LISTS, |e| e.as_str().to_owned(), |e| list_label(e).to_owned());
    let formats = options(
        &[ExportFormat::Csv, ExportFormat::Xlsx],
        |f| f.as_str().to_owned(),
        |f| match f {
            ExportFormat::Csv => "CSV".to_owned(),
            ExportFormat::Xlsx => format!("{} (.xlsx)", format_label(f)),
        },
    );
    let frequencies = options(&Frequency::ALL, |f| f.as_str().to_owned(), |f| f.label().to_owned());
    let weekdays: Vec<(String, String)> = WEEKDAYS
        .iter()
        .zip(1u8..)
        .map(|(day, n)| (n.to_string(), (*day).to_owned()))
        .collect();
    let is = move |frequency: Frequency| move || chosen.get() == frequency;
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="schedule-form">
            <FormAlert form=form />
            <TextField
                name="name"
                label="Name"
                value=name
                form=form
                autocomplete="off"
                autofocus=true
                error=error("name")
            />
            <div class="form-grid">
                <SelectField name="entity" label="List" value=entity options=lists />
                <SelectField name="format" label="Format" value=format options=formats />
            </div>
            <TextField
                name="filters"
                label="Filters"
                value=filters
                form=form
                autocomplete="off"
                hint="The list's query, e.g. tag=vip&lifecycle_stage=customer; empty sends the whole list. \
                      A list's Export menu fills it in."
                error=error("filters")
            />
            <div class="form-grid">
                <SelectField name="frequency" label="Repeat" value=frequency options=frequencies />
                <Show when=is(Frequency::Weekly)>
                    <SelectField
                        name="weekday"
                        label="On"
                        value=weekday
                        options=weekdays.clone()
                        form=form
                        error=error("weekday")
                    />
                </Show>
                <Show when=is(Frequency::Monthly)>
                    <TextField
                        name="day_of_month"
                        label="On day"
                        value=day_of_month
                        form=form
                        input_type="number"
                        hint="A shorter month runs on its last day."
                        error=error("day_of_month")
                    />
                </Show>
                <Show
                    when=is(Frequency::Cron)
                    fallback=move || {
                        view! { <TextField name="time" label="At" value=time form=form input_type="time" error=error("time") /> }
                    }
                >
                    <TextField
                        name="cron"
                        label="Cron expression"
                        value=cron
                        form=form
                        autocomplete="off"
                        hint="minute hour day month weekday, e.g. 0 8 * * 1-5"
                        error=error("cron")
                    />
                </Show>
                <TextField
                    name="time_zone"
                    label="Time zone"
                    value=time_zone
                    form=form
                    autocomplete="off"
                    suggestions=time_zones()
                    error=error("time_zone")
                />
            </div>
            <TextAreaField
                name="recipients"
                label="Recipients"
                value=recipients
                form=form
                hint="Email addresses, one a line or separated by commas."
                error=recipients_error
            />
            <label class="check">
                <input
                    type="checkbox"
                    name="enabled"
                    prop:checked=move || enabled.get()
                    on:change=move |ev| enabled.set(event_target_checked(&ev))
                />
                "Run on this schedule (untick to pause it)"
            </label>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>
                    {if id.is_some() { "Save" } else { "Schedule export" }}
                </button>
            </div>
        </form>
    }
}
