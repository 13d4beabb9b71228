//! The dialog behind "Add tag…" and "Remove tag…" of the bulk bar: one tag name, the
//! organization's tags offered as you type. Adding may name a new tag (the server creates
//! it); removing only a tag that exists.

use crate::components::Modal;
use crate::tag_list::TagList;
use kite_shared::crm::tags::{check_tag, normalize_tag};
use leptos::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TagChange {
    Add,
    Remove,
}

/// The tag to send, in the organization's spelling when it exists, or why not.
fn chosen(change: TagChange, typed: &str, tags: TagList) -> Result<String, String> {
    let name = normalize_tag(typed);
    if let Some(error) = check_tag("tag", &name) {
        return Err(error.message);
    }
    match (tags.find(&name), change) {
        (Some(known), _) => Ok(known),
        (None, TagChange::Add) => Ok(name),
        (None, TagChange::Remove) => Err(format!("No tag is called “{name}”.")),
    }
}

#[component]
pub fn BulkTagDialog(
    open: RwSignal<bool>,
    change: TagChange,
    tags: TagList,
    /// "2 contacts".
    #[prop(into)]
    selection: Signal<String>,
    busy: RwSignal<bool>,
    on_choose: Callback<String>,
) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    // Shown once the user tried to confirm, so an empty field is not an error at once.
    let tried = RwSignal::new(false);
    Effect::new(move |_| {
        if open.get() {
            draft.set(String::new());
            tried.set(false);
        }
    });
    let problem = move || {
        let typed = draft.get();
        match chosen(change, &typed, tags) {
            Ok(_) => None,
            Err(message) if tried.get() => Some(message),
            // While typing, only what no tag could ever be: "vi" may still become "vip".
            Err(_) if typed.trim().is_empty() => None,
            Err(_) => check_tag("tag", &typed).map(|e| e.message),
        }
    };
    let confirm = move || {
        tried.set(true);
        if let Ok(name) = chosen(change, &draft.get_untracked(), tags) {
            open.set(false);
            on_choose.run(name);
        }
    };
    let question = move || match change {
        TagChange::Add => format!("Which tag should the {} you selected get?", selection.get()),
        TagChange::Remove => format!("Which tag should come off the {} you selected?", selection.get()),
    };
    let (title, list_id) = match change {
        TagChange::Add => ("Add tag", "bulk-add-tags"),
        TagChange::Remove => ("Remove tag", "bulk-remove-tags"),
    };
    view! {
        <Modal open=open title=title>
            <p class="modal-text">{question}</p>
            <div class="field" class:field-invalid=move || problem().is_some()>
                <label for="field-bulk-tag">"Tag"</label>
                <input
                    id="field-bulk-tag"
                    type="text"
                    list=list_id
                    autocomplete="off"
                    autofocus=true
                    maxlength=60
                    data-testid="bulk-tag-input"
                    aria-invalid=move || problem().is_some().to_string()
                    aria-describedby="field-bulk-tag-error"
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            confirm();
                        }
                    }
                />
                <datalist id=list_id>
                    {move || tags.names().into_iter().map(|name| view! { <option value=name></option> }).collect_view()}
                </datalist>
                <p class="field-error" id="field-bulk-tag-error" role="alert">
                    {problem}
                </p>
            </div>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="bulk-tag-confirm"
                    disabled=move || busy.get()
                    on:click=move |_| confirm()
                >
                    {title}
                </button>
            </div>
        </Modal>
    }
}
