use super::stage::stage_options;
use crate::api::{self, ApiError};
use crate::components::{FormAlert, Modal, SelectField, TextField};
use crate::custom_fields::{CustomFieldInputs, CustomFieldList, check_values};
use crate::forms::{FormState, optional, text};
use crate::pages::record::RecordSave;
use crate::session::use_session;
use crate::team::Team;
use kite_shared::UserId;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::contacts::{ContactDto, ContactInput, LifecycleStage};
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::notes::RecordKind;
use kite_shared::page::Page;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

/// "New contact" without `contact`, "Edit contact" with it; either way the same fields.
#[component]
pub fn ContactDialog(
    open: RwSignal<bool>,
    team: Team,
    #[prop(optional)] contact: Option<ContactDto>,
    on_saved: Callback<ContactDto>,
) -> impl IntoView {
    let title = if contact.is_some() {
        "Edit contact"
    } else {
        "New contact"
    };
    // Built afresh on each opening, from the record as it is now.
    view! {
        <Modal open=open title=title>
            <ContactForm open=open team=team contact=contact.clone() on_saved=on_saved />
        </Modal>
    }
}

/// The contact that already has the email, from a `duplicate_email` conflict.
fn existing_contact(error: &ApiError) -> Option<(Uuid, String)> {
    let existing = error.details.as_ref()?.get("existing_contact")?;
    let id = existing.get("id")?.as_str()?.parse().ok()?;
    let name = existing.get("name")?.as_str()?.to_owned();
    Some((id, name))
}

#[component]
fn ContactForm(
    open: RwSignal<bool>,
    team: Team,
    contact: Option<ContactDto>,
    on_saved: Callback<ContactDto>,
) -> impl IntoView {
    let me = use_session().me().map(|m| m.user.id);
    let id = contact.as_ref().map(|c| c.id);
    let field = |get: fn(&ContactDto) -> String| RwSignal::new(contact.as_ref().map(get).unwrap_or_default());
    let first_name = field(|c| c.first_name.clone());
    let last_name = field(|c| c.last_name.clone());
    let email = field(|c| text(&c.email));
    let phone = field(|c| text(&c.phone));
    let title = field(|c| text(&c.title));
    let company = field(|c| c.company_id.map(|id| id.to_string()).unwrap_or_default());
    let stage = RwSignal::new(
        contact
            .as_ref()
            .map_or(LifecycleStage::Lead, |c| c.lifecycle_stage)
            .as_str()
            .to_owned(),
    );
    let current_owner = contact.as_ref().map_or(me, |c| c.owner_id);
    let owner = RwSignal::new(current_owner.map(|o| o.to_string()).unwrap_or_default());
    // The form edits only some fields, but saving replaces all of them: the rest ride along.
    let (other_emails, other_phones, source) = contact
        .as_ref()
        .map(|c| (c.other_emails.clone(), c.other_phones.clone(), c.source.clone()))
        .unwrap_or_default();
    let own_company = contact
        .as_ref()
        .and_then(|c| Some((c.company_id?, c.company_name.clone()?)));
    let custom_fields = CustomFieldList::load(CustomFieldEntity::Contact);
    let custom = RwSignal::new(contact.as_ref().map(|c| c.custom_fields.clone()).unwrap_or_default());
    let form = FormState::new();
    let save = RecordSave::new(RecordKind::Contact, id, form, open, on_saved);
    let duplicate = RwSignal::new(None::<(Uuid, String)>);
    let request = move || ContactInput {
        first_name: first_name.get().trim().to_owned(),
        last_name: last_name.get().trim().to_owned(),
        email: optional(&email.get()),
        other_emails: other_emails.clone(),
        phone: optional(&phone.get()),
        other_phones: other_phones.clone(),
        title: optional(&title.get()),
        company_id: company.get().parse().ok(),
        owner_id: owner.get().parse().ok().map(UserId),
        lifecycle_stage: stage.get().parse().ok(),
        source: source.clone(),
        tags: None,
        custom_fields: custom.get(),
    };
    let request = StoredValue::new(request);
    let errors = Memo::new(move |_| {
        let mut errors = request.with_value(|r| r()).validate();
        errors.extend(custom.with(|values| check_values(&custom_fields.get(), values, id.is_none())));
        errors
    });
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    Effect::new(move |_| {
        email.track();
        duplicate.set(None);
    });
    let on_submit = move |ev: SubmitEvent| {
        let body = request.with_value(|r| untrack(r));
        save.submit(ev, &errors.get_untracked(), body, move |e| {
            duplicate.set(existing_contact(e))
        });
    };
    let companies = LocalResource::new(|| api::get::<Page<CompanyDto>>("/companies?per_page=200&sort=name"));
    let company_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "No company".to_owned())];
        let loaded = companies
            .get()
            .and_then(|r| r.ok())
            .map(|p| p.items)
            .unwrap_or_default();
        // Beyond the first 200, the contact's own company still has to be choosable.
        if let Some((id, name)) = own_company.clone()
            && !loaded.iter().any(|c| c.id == id)
        {
            options.push((id.to_string(), name));
        }
        options.extend(loaded.into_iter().map(|c| (c.id.to_string(), c.name)));
        options
    });
    let owners = Signal::derive(move || team.owner_options(current_owner));
    view! {
        <form class="form" on:submit=on_submit novalidate=true>
            <FormAlert form=form />
            <div class="form-grid">
                <TextField
                    name="first_name"
                    label="First name"
                    value=first_name
                    form=form
                    autocomplete="off"
                    autofocus=true
                    error=error("first_name")
                />
                <TextField
                    name="last_name"
                    label="Last name"
                    value=last_name
                    form=form
                    autocomplete="off"
                    error=error("last_name")
                />
            </div>
            <TextField
                name="email"
                label="Email"
                value=email
                form=form
                input_type="email"
                autocomplete="off"
                error=error("email")
            >
                {move || {
                    duplicate
                        .get()
                        .map(|(id, name)| {
                            view! {
                                <A href=format!("/contacts/{id}") attr:class="field-link" on:click=move |_| open.set(false)>
                                    {format!("Open {name}")}
                                </A>
                            }
                        })
                }}
            </TextField>
            <div class="form-grid">
                <TextField
                    name="phone"
                    label="Phone"
                    value=phone
                    form=form
                    input_type="tel"
                    autocomplete="off"
                    error=error("phone")
                />
                <TextField
                    name="title"
                    label="Job title"
                    value=title
                    form=form
                    autocomplete="off"
                    error=error("title")
                />
            </div>
            <SelectField
                name="company_id"
                label="Company"
                value=company
                options=company_options
                form=form
                error=error("company_id")
            />
            <div class="form-grid">
                <SelectField
                    name="lifecycle_stage"
                    label="Lifecycle stage"
                    value=stage
                    options=stage_options()
                    form=form
                    error=error("lifecycle_stage")
                />
                <SelectField
                    name="owner_id"
                    label="Owner"
                    value=owner
                    options=owners
                    form=form
                    error=error("owner_id")
                />
            </div>
            <CustomFieldInputs fields=custom_fields values=custom form=form errors=errors team=team />
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>
                    {if id.is_some() { "Save" } else { "Create contact" }}
                </button>
            </div>
        </form>
    }
}
