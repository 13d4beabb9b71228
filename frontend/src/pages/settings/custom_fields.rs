//! Custom fields (admins): the fields the team adds to contacts, companies and deals.
//! One tab per kind of record; a field's key and type are fixed once made, its label,
//! options and whether it is required can change, and archiving hides it.

use crate::api;
use crate::components::{
    EmptyState, FormAlert, Modal, SelectField, SkeletonTable, TextAreaField, TextField, open_while,
};
use crate::forms::FormState;
use crate::toast::use_toasts;
use kite_shared::crm::custom_fields::{
    CreateCustomField, CustomFieldDto, CustomFieldEntity, CustomFieldType, UpdateCustomField, key_from_label,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;

/// One option per line, as the options box holds them.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
pub fn CustomFields() -> impl IntoView {
    let entity = RwSignal::new(CustomFieldEntity::Contact);
    let reload = RwSignal::new(0u32);
    let create_open = RwSignal::new(false);
    let editing = RwSignal::new(None::<CustomFieldDto>);
    let fields = LocalResource::new(move || {
        reload.track();
        let path = format!("/custom-fields?entity={}&include_archived=true", entity.get().as_str());
        async move { api::get::<Vec<CustomFieldDto>>(&path).await }
    });
    view! {
        <section class="card" data-testid="custom-field-settings">
            <div class="toolbar">
                <div>
                    <h2 class="card-title">"Custom fields"</h2>
                    <p class="muted">
                        "Fields of your own on contacts, companies and deals. In the API they are under "
                        <code>"custom_fields"</code> " by their key."
                    </p>
                </div>
                <span class="spacer"></span>
                <button class="btn btn-primary" on:click=move |_| create_open.set(true)>
                    <Icon icon=icondata::LuPlus />
                    "Add field"
                </button>
            </div>
            <div class="segmented" role="group" aria-label="Kind of record">
                {CustomFieldEntity::ALL
                    .iter()
                    .map(|e| {
                        let e = *e;
                        view! {
                            <button
                                type="button"
                                class="segmented-option"
                                class:active=move || entity.get() == e
                                aria-pressed=move || (entity.get() == e).to_string()
                                on:click=move |_| entity.set(e)
                            >
                                {e.label()}
                            </button>
                        }
                    })
                    .collect_view()}
            </div>
            <Transition fallback=|| view! { <SkeletonTable rows=3 columns=5 /> }>
                {move || fields.get().map(|result| match result {
                    Ok(list) if list.is_empty() => view! {
                        <EmptyState
                            icon=icondata::LuTextCursorInput
                            title="No custom fields yet"
                            text="Add the facts your team tracks that Kite has no field for: a tier, a contract end, a region."
                        />
                    }.into_any(),
                    Ok(list) => view! { <FieldTable fields=list reload=reload editing=editing /> }.into_any(),
                    Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                })}
            </Transition>
        </section>
        <CreateFieldDialog open=create_open entity=entity reload=reload />
        <EditFieldDialog editing=editing reload=reload />
    }
}

#[component]
fn FieldTable(
    fields: Vec<CustomFieldDto>,
    reload: RwSignal<u32>,
    editing: RwSignal<Option<CustomFieldDto>>,
) -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="custom-field-table">
                <thead>
                    <tr>
                        <th scope="col">"Label"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col" class="hide-narrow">"Options"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {fields
                        .into_iter()
                        .map(|field| {
                            let id = field.id;
                            let archived = field.archived;
                            let for_edit = field.clone();
                            let toggle = move |_| {
                                let action = if archived { "restore" } else { "archive" };
                                spawn_local(async move {
                                    match api::post::<CustomFieldDto>(&format!("/custom-fields/{id}/{action}"), &()).await {
                                        Ok(f) if f.archived => toasts.success(format!("“{}” is archived; its values are kept.", f.label)),
                                        Ok(f) => toasts.success(format!("“{}” is back.", f.label)),
                                        Err(e) => toasts.error(e.explained()),
                                    }
                                    reload.update(|n| *n += 1);
                                });
                            };
                            let kind = match (&field.currency, field.field_type) {
                                (Some(c), CustomFieldType::Currency) => format!("Currency ({c})"),
                                (_, t) => t.label().to_owned(),
                            };
                            view! {
                                <tr data-custom-field=field.key.clone()>
                                    <td>
                                        <span class="person-name">{field.label.clone()}</span>
                                        {field.required.then(|| view! { <span class="badge badge-accent">"Required"</span> })}
                                    </td>
                                    <td><code>{field.key.clone()}</code></td>
                                    <td>{kind}</td>
                                    <td class="hide-narrow muted">{field.options.join(", ")}</td>
                                    <td>
                                        {if archived {
                                            view! { <span class="badge badge-muted">"Archived"</span> }
                                        } else {
                                            view! { <span class="badge badge-success">"Active"</span> }
                                        }}
                                    </td>
                                    <td class="cell-actions">
                                        <button class="btn btn-ghost btn-small" on:click=move |_| editing.set(Some(for_edit.clone()))>"Edit"</button>
                                        <button class="btn btn-ghost btn-small" on:click=toggle>{if archived { "Restore" } else { "Archive" }}</button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CreateFieldDialog(
    open: RwSignal<bool>,
    entity: RwSignal<CustomFieldEntity>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    view! {
        <Modal open=open title="Add a custom field">
            <CreateFieldForm open=open entity=entity.get_untracked() reload=reload />
        </Modal>
    }
}

#[component]
fn CreateFieldForm(open: RwSignal<bool>, entity: CustomFieldEntity, reload: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let entity = RwSignal::new(entity.as_str().to_owned());
    let label = RwSignal::new(String::new());
    let field_type = RwSignal::new(CustomFieldType::Text.as_str().to_owned());
    let required = RwSignal::new(false);
    let options = RwSignal::new(String::new());
    let currency = RwSignal::new("EUR".to_owned());
    let form = FormState::new();
    let chosen_type = move || CustomFieldType::parse(&field_type.get()).unwrap_or(CustomFieldType::Text);
    let request = move || CreateCustomField {
        entity: CustomFieldEntity::parse(&entity.get()).unwrap_or(CustomFieldEntity::Contact),
        label: label.get(),
        key: None,
        field_type: chosen_type(),
        required: required.get(),
        options: if chosen_type().has_options() {
            lines(&options.get())
        } else {
            Vec::new()
        },
        currency: (chosen_type() == CustomFieldType::Currency).then(|| currency.get().trim().to_uppercase()),
    };
    let errors = Memo::new(move |_| request().validate());
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = untrack(request);
        spawn_local(async move {
            match api::post::<CustomFieldDto>("/custom-fields", &body).await {
                Ok(field) => {
                    form.done();
                    toasts.success(format!("“{}” was added.", field.label));
                    open.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    let entities = Signal::derive(|| {
        CustomFieldEntity::ALL
            .iter()
            .map(|e| (e.as_str().to_owned(), e.label().to_owned()))
            .collect::<Vec<_>>()
    });
    let types = Signal::derive(|| {
        CustomFieldType::ALL
            .iter()
            .map(|t| (t.as_str().to_owned(), t.label().to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <form class="form" on:submit=on_submit novalidate=true data-testid="custom-field-form">
            <FormAlert form=form />
            <div class="form-grid">
                <SelectField name="entity" label="On" value=entity options=entities form=form />
                <SelectField name="field_type" label="Type" value=field_type options=types form=form />
            </div>
            <TextField
                name="label"
                label="Label"
                value=label
                form=form
                autocomplete="off"
                autofocus=true
                error=error("label")
            />
            <p class="field-hint" data-testid="custom-field-key">{move || format!("API key: custom_fields.{}", key_from_label(&label.get()))}</p>
            {move || (error("key").get()).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
            <Show when=move || chosen_type().has_options()>
                <TextAreaField name="options" label="Options (one per line)" value=options form=form error=error("options") rows=4 />
            </Show>
            <Show when=move || chosen_type() == CustomFieldType::Currency>
                <TextField name="currency" label="Currency" value=currency form=form error=error("currency") />
            </Show>
            <label class="check">
                <input type="checkbox" name="required" prop:checked=move || required.get() on:change=move |ev| required.set(event_target_checked(&ev)) />
                "Required on new and edited records"
            </label>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Add field"</button>
            </div>
        </form>
    }
}

#[component]
fn EditFieldDialog(editing: RwSignal<Option<CustomFieldDto>>, reload: RwSignal<u32>) -> impl IntoView {
    let open = open_while(editing);
    view! {
        <Modal open=open title="Edit custom field">
            {move || editing.get().map(|field| view! { <EditFieldForm field=field open=open reload=reload /> })}
        </Modal>
    }
}

#[component]
fn EditFieldForm(field: CustomFieldDto, open: RwSignal<bool>, reload: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let id = field.id;
    let field_type = field.field_type;
    let label = RwSignal::new(field.label.clone());
    let required = RwSignal::new(field.required);
    let options = RwSignal::new(field.options.join("\n"));
    let currency = RwSignal::new(field.currency.clone().unwrap_or_default());
    let form = FormState::new();
    let request = move || UpdateCustomField {
        label: label.get(),
        required: required.get(),
        options: if field_type.has_options() {
            lines(&options.get())
        } else {
            Vec::new()
        },
        currency: (field_type == CustomFieldType::Currency).then(|| currency.get().trim().to_uppercase()),
    };
    let errors = Memo::new(move |_| request().validate(field_type));
    let error = move |name: &'static str| Signal::derive(move || form.error(name, &errors.get()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = untrack(request);
        spawn_local(async move {
            match api::put::<CustomFieldDto>(&format!("/custom-fields/{id}"), &body).await {
                Ok(saved) => {
                    form.done();
                    toasts.success(format!("“{}” was saved.", saved.label));
                    open.set(false);
                    reload.update(|n| *n += 1);
                }
                Err(e) => form.fail(e),
            }
        });
    };
    view! {
        <form class="form" on:submit=on_submit novalidate=true>
            <FormAlert form=form />
            <p class="muted">{format!("{} · key ", field_type.label())}<code>{field.key.clone()}</code>" (fixed)"</p>
            <TextField name="label" label="Label" value=label form=form autocomplete="off" error=error("label") />
            {field_type.has_options().then(|| view! {
                <TextAreaField name="options" label="Options (one per line)" value=options form=form error=error("options") rows=5 />
            })}
            {(field_type == CustomFieldType::Currency).then(|| view! {
                <TextField name="currency" label="Currency" value=currency form=form error=error("currency") />
            })}
            <label class="check">
                <input type="checkbox" name="required" prop:checked=move || required.get() on:change=move |ev| required.set(event_target_checked(&ev)) />
                "Required on new and edited records"
            </label>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Save"</button>
            </div>
        </form>
    }
}
