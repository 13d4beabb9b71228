//! "Add task": a subject, a kind, a due time in the user's own time zone, notes.

use crate::api;
use crate::components::{FormAlert, Modal, SelectField, TextAreaField, TextField};
use crate::format::local_to_utc;
use crate::forms::{FormState, optional};
use crate::toast::use_toasts;
use kite_shared::FieldError;
use kite_shared::crm::activities::{ActivityDto, ActivityInput, ActivityKind};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn TaskDialog(open: RwSignal<bool>, on_saved: Callback<ActivityDto>) -> impl IntoView {
    // Built afresh on each opening, so the fields start empty.
    view! {
        <Modal open=open title="Add task">
            <TaskForm open=open on_saved=on_saved />
        </Modal>
    }
}

#[component]
fn TaskForm(open: RwSignal<bool>, on_saved: Callback<ActivityDto>) -> impl IntoView {
    let toasts = use_toasts();
    let subject = RwSignal::new(String::new());
    let kind = RwSignal::new(ActivityKind::Task.as_str().to_owned());
    let due = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let form = FormState::new();
    let request = move || ActivityInput {
        kind: Some(ActivityKind::parse(&kind.get())),
        subject: subject.get().trim().to_owned(),
        body: optional(&body.get()),
        due_at: local_to_utc(&due.get()),
        ..Default::default()
    };
    let errors = Memo::new(move |_| {
        let mut errors = request().validate();
        // A half-typed date would otherwise be dropped silently and the task saved undated.
        if !due.get().is_empty() && local_to_utc(&due.get()).is_none() {
            errors.push(FieldError::new("due_at", "invalid", "Enter a date and a time."));
        }
        errors
    });
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = untrack(request);
        spawn_local(async move {
            match api::post::<ActivityDto>("/activities", &body).await {
                Ok(saved) => {
                    form.done();
                    toasts.success(format!("{} added.", saved.kind.label()));
                    open.set(false);
                    on_saved.run(saved);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let kinds = Signal::derive(|| {
        ActivityKind::ALL
            .into_iter()
            .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="task-form">
            <FormAlert form=form />
            <TextField
                name="subject"
                label="Subject"
                value=subject
                form=form
                autocomplete="off"
                autofocus=true
                error=error("subject")
            />
            <div class="form-grid">
                <SelectField name="kind" label="Kind" value=kind options=kinds form=form error=error("kind") />
                <TextField
                    name="due_at"
                    label="Due"
                    value=due
                    form=form
                    input_type="datetime-local"
                    error=error("due_at")
                />
            </div>
            <TextAreaField name="body" label="Notes" value=body form=form error=error("body") />
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Add task"</button>
            </div>
        </form>
    }
}
