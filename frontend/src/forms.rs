//! Form state shared by every form: the shared validation rules run as the user types,
//! and the server's field errors land on the same fields.

use crate::api::ApiError;
use kite_shared::FieldError;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashSet;
use std::future::Future;

#[derive(Clone, Copy)]
pub struct FormState {
    submitted: RwSignal<bool>,
    touched: RwSignal<HashSet<String>>,
    server: RwSignal<Vec<FieldError>>,
    /// A problem that belongs to no field (wrong password, network down).
    pub alert: RwSignal<Option<String>>,
    pub busy: RwSignal<bool>,
}

impl Default for FormState {
    fn default() -> Self {
        Self::new()
    }
}

impl FormState {
    pub fn new() -> Self {
        Self {
            submitted: RwSignal::new(false),
            touched: RwSignal::new(HashSet::new()),
            server: RwSignal::new(Vec::new()),
            alert: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// The message to show under `field`: the server's, else the rule's once the user
    /// has left the field or tried to submit.
    pub fn error(&self, field: &str, client: &[FieldError]) -> Option<String> {
        if let Some(e) = self.server.with(|s| s.iter().find(|e| e.field == field).cloned()) {
            return Some(e.message);
        }
        let shown = self.submitted.get() || self.touched.with(|t| t.contains(list_of(field)));
        shown
            .then(|| client.iter().find(|e| e.field == field).map(|e| e.message.clone()))
            .flatten()
    }

    pub fn touch(&self, field: &str) {
        if !self.touched.with_untracked(|t| t.contains(field)) {
            self.touched.update(|t| {
                t.insert(field.to_owned());
            });
        }
    }

    /// The user changed the field, so the server's complaint about it (or about one of its
    /// items) no longer applies.
    pub fn edited(&self, field: &str) {
        if self
            .server
            .with_untracked(|s| s.iter().any(|e| list_of(&e.field) == field))
        {
            self.server.update(|s| s.retain(|e| list_of(&e.field) != field));
        }
        self.alert.set(None);
    }

    /// Marks the form submitted; true when the client rules pass and it may be sent.
    pub fn begin_submit(&self, client: &[FieldError]) -> bool {
        self.submitted.set(true);
        self.alert.set(None);
        self.server.set(Vec::new());
        if !client.is_empty() || self.busy.get_untracked() {
            return false;
        }
        self.busy.set(true);
        true
    }

    /// Spreads a failed call over the form: field errors on fields, the rest in the alert.
    pub fn fail(&self, error: ApiError) {
        self.busy.set(false);
        if error.errors.is_empty() {
            self.alert.set(Some(error.message));
        } else {
            self.server.set(error.errors);
        }
    }

    /// A submit as every form does it: instead of the browser's own, `request` is sent once
    /// the `client` rules pass; its answer goes to `on_done`, a refusal over the form.
    /// `request` is only a future, so nothing is sent when the rules fail.
    pub fn submit<T: 'static>(
        self,
        ev: SubmitEvent,
        client: &[FieldError],
        request: impl Future<Output = Result<T, ApiError>> + 'static,
        on_done: impl FnOnce(T) + 'static,
    ) {
        ev.prevent_default();
        if !self.begin_submit(client) {
            return;
        }
        spawn_local(async move {
            match request.await {
                Ok(answer) => {
                    self.done();
                    on_done(answer);
                }
                Err(error) => self.fail(error),
            }
        });
    }

    pub fn done(&self) {
        self.busy.set(false);
    }

    pub fn reset(&self) {
        self.submitted.set(false);
        self.touched.set(HashSet::new());
        self.server.set(Vec::new());
        self.alert.set(None);
        self.busy.set(false);
    }
}

/// The field that holds a list item's input: `recipients` for `recipients[2]`. One input
/// edits the whole list, so touching or changing it counts for every item.
fn list_of(field: &str) -> &str {
    field.split_once('[').map_or(field, |(list, _)| list)
}

/// What an optional text input holds: `None` when left blank.
pub fn optional(value: &str) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// The text an input shows for an optional value.
pub fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}
