use crate::components::{FormAlert, Modal, SelectField, TextAreaField, TextField};
use crate::custom_fields::{CustomFieldInputs, CustomFieldList, check_values};
use crate::forms::{FormState, optional, text};
use crate::pages::record::RecordSave;
use crate::session::use_session;
use crate::team::Team;
use kite_shared::UserId;
use kite_shared::crm::companies::{CompanyDto, CompanyInput};
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::notes::RecordKind;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// "New company" without `company`, "Edit company" with it; either way the same fields.
#[component]
pub fn CompanyDialog(
    open: RwSignal<bool>,
    team: Team,
    #[prop(optional)] company: Option<CompanyDto>,
    on_saved: Callback<CompanyDto>,
) -> impl IntoView {
    let title = if company.is_some() {
        "Edit company"
    } else {
        "New company"
    };
    // The form is built each time the dialog opens, so it starts from the record as it
    // is now and a cancelled edit leaves nothing behind.
    view! {
        <Modal open=open title=title>
            <CompanyForm open=open team=team company=company.clone() on_saved=on_saved />
        </Modal>
    }
}

#[component]
fn CompanyForm(
    open: RwSignal<bool>,
    team: Team,
    company: Option<CompanyDto>,
    on_saved: Callback<CompanyDto>,
) -> impl IntoView {
    let me = use_session().me().map(|m| m.user.id);
    let id = company.as_ref().map(|c| c.id);
    let field = |get: fn(&CompanyDto) -> &Option<String>| {
        RwSignal::new(company.as_ref().map(get).map(text).unwrap_or_default())
    };
    let name = RwSignal::new(company.as_ref().map(|c| c.name.clone()).unwrap_or_default());
    let domain = field(|c| &c.domain);
    let industry = field(|c| &c.industry);
    let size = field(|c| &c.size);
    let phone = field(|c| &c.phone);
    let website = field(|c| &c.website);
    let address = field(|c| &c.address);
    let notes = field(|c| &c.notes);
    let current_owner = company.as_ref().map_or(me, |c| c.owner_id);
    let owner = RwSignal::new(current_owner.map(|o| o.to_string()).unwrap_or_default());
    let custom_fields = CustomFieldList::load(CustomFieldEntity::Company);
    let custom = RwSignal::new(company.as_ref().map(|c| c.custom_fields.clone()).unwrap_or_default());
    let form = FormState::new();
    let save = RecordSave::new(RecordKind::Company, id, form, open, on_saved);
    let request = move || CompanyInput {
        name: name.get().trim().to_owned(),
        domain: optional(&domain.get()),
        industry: optional(&industry.get()),
        size: optional(&size.get()),
        phone: optional(&phone.get()),
        address: optional(&address.get()),
        website: optional(&website.get()),
        owner_id: owner.get().parse().ok().map(UserId),
        notes: optional(&notes.get()),
        // The form does not edit tags; left out, the server keeps them.
        tags: None,
        custom_fields: custom.get(),
    };
    let errors = Memo::new(move |_| {
        let mut errors = request().validate();
        errors.extend(custom.with(|values| check_values(&custom_fields.get(), values, id.is_none())));
        errors
    });
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    let on_submit = move |ev: SubmitEvent| save.submit(ev, &errors.get_untracked(), request(), |_| {});
    let owners = Signal::derive(move || team.owner_options(current_owner));
    view! {
        <form class="form" on:submit=on_submit novalidate=true>
            <FormAlert form=form />
            <TextField name="name" label="Name" value=name form=form autofocus=true error=error("name") />
            <div class="form-grid">
                <TextField
                    name="domain"
                    label="Domain"
                    value=domain
                    form=form
                    hint="e.g. acme.com"
                    error=error("domain")
                />
                <TextField name="industry" label="Industry" value=industry form=form error=error("industry") />
                <TextField name="size" label="Size" value=size form=form hint="e.g. 50–200" error=error("size") />
                <TextField
                    name="phone"
                    label="Phone"
                    value=phone
                    form=form
                    input_type="tel"
                    error=error("phone")
                />
            </div>
            <TextField
                name="website"
                label="Website"
                value=website
                form=form
                input_type="url"
                error=error("website")
            />
            <TextAreaField name="address" label="Address" value=address form=form rows=2 error=error("address") />
            <SelectField
                name="owner_id"
                label="Owner"
                value=owner
                options=owners
                form=form
                error=error("owner_id")
            />
            <TextAreaField name="notes" label="Notes" value=notes form=form error=error("notes") />
            <CustomFieldInputs fields=custom_fields values=custom form=form errors=errors team=team />
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>
                    {if id.is_some() { "Save" } else { "Create company" }}
                </button>
            </div>
        </form>
    }
}
