//! The bar that appears over a list when rows are selected: how many, and what can be
//! done to all of them at once. Each action is offered only to roles the server lets do
//! it, so nobody is shown a button that can only fail. Tagging is the one that depends on
//! the rows: reps may tag what they own, so they get it, and the server's refusal for
//! the rest.

use super::bulk_tag::{BulkTagDialog, TagChange};
use crate::api;
use crate::components::{ConfirmDialog, Modal, SelectField};
use crate::session::use_session;
use crate::tag_list::TagList;
use crate::team::Team;
use crate::toast::use_toasts;
use kite_shared::crm::list::{BulkAction, BulkRequest, BulkResult};
use kite_shared::crm::notes::RecordKind;
use kite_shared::{Permission, UserId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use std::collections::HashSet;
use uuid::Uuid;

/// "1 contact", "3 companies".
fn records(kind: RecordKind, count: u64) -> String {
    let noun = if count == 1 { kind.as_str() } else { kind.plural() };
    format!("{count} {noun}")
}

/// An action a page adds to the bar for its kind of record (enrolling contacts in a
/// sequence): it gets the selected ids, for the roles with `permission`.
#[derive(Clone)]
pub struct SelectionAction {
    pub label: &'static str,
    pub testid: &'static str,
    pub icon: icondata::Icon,
    pub permission: Permission,
    pub run: Callback<Vec<Uuid>>,
}

/// One action of the bar, off while an action runs so that none is sent twice.
#[component]
fn BulkButton(
    testid: &'static str,
    icon: icondata::Icon,
    #[prop(default = "btn btn-secondary btn-small")] class: &'static str,
    busy: RwSignal<bool>,
    on_click: impl Fn() + 'static,
    children: Children,
) -> impl IntoView {
    view! {
        <button type="button" class=class data-testid=testid disabled=move || busy.get() on:click=move |_| on_click()>
            <Icon icon=icon />
            {children()}
        </button>
    }
}

#[component]
pub fn BulkBar(
    kind: RecordKind,
    selected: RwSignal<HashSet<Uuid>>,
    team: Team,
    tags: TagList,
    can_tag: Signal<bool>,
    can_assign: Signal<bool>,
    can_delete: Signal<bool>,
    /// After an action succeeded: the list clears its selection and reloads.
    on_done: Callback<()>,
    /// The page's own actions, after the built-in ones.
    #[prop(optional)]
    actions: Vec<SelectionAction>,
) -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let busy = RwSignal::new(false);
    let assign_open = RwSignal::new(false);
    let delete_open = RwSignal::new(false);
    let add_tag_open = RwSignal::new(false);
    let remove_tag_open = RwSignal::new(false);
    let owner = RwSignal::new(String::new());
    let count = move || selected.with(|s| s.len() as u64);
    let run = move |action: BulkAction, said: Box<dyn FnOnce(u64) -> String>| {
        let ids: Vec<Uuid> = selected.get_untracked().into_iter().collect();
        busy.set(true);
        spawn_local(async move {
            let request = BulkRequest { ids, action };
            let result = api::post::<BulkResult>(&format!("/{}/bulk", kind.plural()), &request).await;
            busy.set(false);
            match result {
                Ok(done) => {
                    toasts.success(said(done.updated));
                    on_done.run(());
                }
                // Reps may tag only what they own; the server names the refusal.
                Err(e) if e.status == 403 && !can_assign.get_untracked() => {
                    toasts.error(format!("{} You can change only the records you own.", e.message))
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let assign = move |_| {
        let Ok(id) = Uuid::parse_str(&owner.get_untracked()) else {
            return;
        };
        let owner_id = UserId(id);
        let name = team.name_of(Some(owner_id));
        assign_open.set(false);
        run(
            BulkAction::AssignOwner { owner_id },
            Box::new(move |n| format!("{} assigned to {name}.", records(kind, n))),
        );
    };
    let on_delete = Callback::new(move |_| {
        run(
            BulkAction::Delete,
            Box::new(move |n| {
                let verb = if n == 1 { "was" } else { "were" };
                format!("{} {verb} moved to the trash.", records(kind, n))
            }),
        )
    });
    let add_tag = Callback::new(move |tag: String| {
        run(
            BulkAction::AddTag { tag: tag.clone() },
            Box::new(move |n| format!("Tag “{tag}” added to {}.", records(kind, n))),
        )
    });
    let remove_tag = Callback::new(move |tag: String| {
        run(
            BulkAction::RemoveTag { tag: tag.clone() },
            Box::new(move |n| format!("Tag “{tag}” removed from {}.", records(kind, n))),
        )
    });
    let selection = Signal::derive(move || records(kind, count()));
    let owner_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Choose a person…".to_owned())];
        options.extend(team.owner_options(None));
        options
    });
    let delete_message = Signal::derive(move || {
        let n = count();
        let (verb, them) = if n == 1 { ("moves", "it") } else { ("move", "them") };
        format!("{} {verb} to the trash. An admin can restore {them}.", records(kind, n))
    });
    view! {
        <div class="bulk-bar" role="toolbar" aria-label="Selected records" data-testid="bulk-bar">
            <strong data-testid="selected-count">{move || format!("{} selected", count())}</strong>
            <button type="button" class="btn btn-ghost btn-small" on:click=move |_| selected.set(HashSet::new())>
                "Clear"
            </button>
            <span class="spacer"></span>
            <Show when=move || can_tag.get()>
                <BulkButton testid="bulk-add-tag" icon=icondata::LuTag busy=busy on_click=move || add_tag_open.set(true)>
                    "Add tag…"
                </BulkButton>
                <BulkButton testid="bulk-remove-tag" icon=icondata::LuX busy=busy on_click=move || remove_tag_open.set(true)>
                    "Remove tag…"
                </BulkButton>
            </Show>
            <Show when=move || can_assign.get()>
                <BulkButton
                    testid="bulk-assign"
                    icon=icondata::LuUserCheck
                    busy=busy
                    on_click=move || {
                        owner.set(String::new());
                        assign_open.set(true);
                    }
                >
                    "Assign owner…"
                </BulkButton>
            </Show>
            {actions
                .into_iter()
                .map(|action| {
                    let SelectionAction { label, testid, icon, permission, run } = action;
                    let allowed = move || session.can(permission);
                    view! {
                        <Show when=allowed>
                            <BulkButton
                                testid=testid
                                icon=icon
                                busy=busy
                                on_click=move || run.run(selected.get_untracked().into_iter().collect())
                            >
                                {label}
                            </BulkButton>
                        </Show>
                    }
                })
                .collect_view()}
            <Show when=move || can_delete.get()>
                <BulkButton
                    testid="bulk-delete"
                    icon=icondata::LuTrash2
                    class="btn btn-ghost btn-small btn-danger-text"
                    busy=busy
                    on_click=move || delete_open.set(true)
                >
                    "Delete"
                </BulkButton>
            </Show>
        </div>
        <Modal open=assign_open title="Assign owner">
            <p class="modal-text">{move || format!("Who should own the {} you selected?", records(kind, count()))}</p>
            <SelectField name="new_owner" label="New owner" value=owner options=owner_options />
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| assign_open.set(false)>
                    "Cancel"
                </button>
                <button
                    type="button"
                    class="btn btn-primary"
                    data-testid="bulk-assign-confirm"
                    disabled=move || owner.with(String::is_empty) || busy.get()
                    on:click=assign
                >
                    "Assign"
                </button>
            </div>
        </Modal>
        <BulkTagDialog
            open=add_tag_open
            change=TagChange::Add
            tags=tags
            selection=selection
            busy=busy
            on_choose=add_tag
        />
        <BulkTagDialog
            open=remove_tag_open
            change=TagChange::Remove
            tags=tags
            selection=selection
            busy=busy
            on_choose=remove_tag
        />
        <ConfirmDialog
            open=delete_open
            title=format!("Delete the selected {}?", kind.plural())
            message=delete_message
            confirm_label="Delete"
            on_confirm=on_delete
        />
    }
}
