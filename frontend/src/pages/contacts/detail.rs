use super::form::ContactDialog;
use super::stage::StageBadge;
use crate::api;
use crate::components::{DeleteRecord, Detail, NextActions, RecordTimeline, ScorePanel, TagEditor, or_dash};
use crate::custom_fields::{CustomFieldDetails, CustomFieldList};
use crate::format::{date_time, initials};
use crate::pages::marketing::{EmailContactDialog, EnrollDialog};
use crate::pages::merge::{MergeKind, MergeWith};
use crate::pages::record::{RecordPage, can_edit, load_record, save_custom_value, save_tags};
use crate::session::use_session;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::contacts::{ContactDto, ContactInput};
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::notes::RecordKind;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;

#[component]
pub fn ContactDetail() -> impl IntoView {
    let team = Team::load();
    let reload = RwSignal::new(0u32);
    let contact = load_record("contact", reload, |id| async move {
        api::get::<ContactDto>(&format!("/contacts/{id}")).await
    });
    view! {
        <RecordPage
            back_to="/contacts"
            back_label="Contacts"
            record=contact
            missing_icon=icondata::LuUserX
            missing_title="This contact is not here"
            missing_text="They may have been deleted, or the link is wrong."
            render=move |contact| view! { <ContactView contact=contact team=team reload=reload /> }
        />
    }
}

/// The contact as it is, with other tags.
fn with_tags(c: ContactDto, tags: Vec<String>) -> ContactInput {
    ContactInput {
        tags: Some(tags),
        ..c.to_input()
    }
}

/// The contact as it is, with other custom values.
fn with_custom(c: ContactDto, custom_fields: CustomValues) -> ContactInput {
    ContactInput {
        custom_fields,
        ..c.to_input()
    }
}

#[component]
fn ContactView(contact: ContactDto, team: Team, reload: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let edit_open = RwSignal::new(false);
    // "Write email" on a suggestion elsewhere lands here with the composer open.
    let compose = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("compose")
        .is_some();
    let email_open = RwSignal::new(compose);
    let enroll_open = RwSignal::new(false);
    let emailed = RwSignal::new(0u32);
    let editable = can_edit(&session, contact.owner_id);
    let deletable = session.can(Permission::DeleteRecords);
    let name = contact.full_name();
    let contact_id = contact.id;
    let owner = contact.owner_id;
    let for_dialog = contact.clone();
    let (company_id, company_name) = (contact.company_id, contact.company_name.clone());
    let company_link = move |with_text: bool| match (company_id, company_name.clone()) {
        (Some(id), Some(company)) => {
            let text = if with_text { format!("at {company}") } else { company };
            Some(view! { <A href=format!("/companies/{id}")>{text}</A> })
        }
        _ => None,
    };
    let email = contact.email.clone().filter(|e| !e.is_empty());
    let this = contact.id;
    // When this contact stays, the address does not change, so the page reloads itself.
    let on_merged = Callback::new(move |survivor| {
        if survivor == this {
            reload.update(|n| *n += 1);
        }
    });
    let phone = contact.phone.clone().filter(|p| !p.is_empty());
    view! {
        <header class="page-header record-header">
            <div class="record-title">
                <span class="avatar avatar-large">{initials(&name)}</span>
                <div>
                    <h1>{name.clone()}</h1>
                    <p class="muted">
                        {contact.title.clone().map(|t| format!("{t} "))}
                        {company_link(true)}
                    </p>
                </div>
            </div>
            <div class="page-actions">
                {(session.can(Permission::EditOwnRecords) && email.is_some())
                    .then(|| {
                        view! {
                            <button class="btn btn-secondary" data-testid="email-contact" on:click=move |_| email_open.set(true)>
                                <Icon icon=icondata::LuMail />
                                "Send email"
                            </button>
                            <button class="btn btn-secondary" data-testid="enroll-contact" on:click=move |_| enroll_open.set(true)>
                                <Icon icon=icondata::LuListOrdered />
                                "Add to sequence"
                            </button>
                        }
                    })}
                {editable
                    .then(|| {
                        view! {
                            <button class="btn btn-secondary" data-testid="edit-record" on:click=move |_| edit_open.set(true)>
                                <Icon icon=icondata::LuPencil />
                                "Edit"
                            </button>
                        }
                    })}
                {deletable
                    .then(|| {
                        view! {
                            <MergeWith
                                kind=MergeKind::Contact
                                id=contact.id
                                name=name.clone()
                                team=team
                                on_merged=on_merged
                            />
                            <DeleteRecord path=format!("/contacts/{}", contact.id) name=name.clone() back_to="/contacts" />
                        }
                    })}
            </div>
        </header>
        <section class="card">
            <h2 class="card-title">"Details"</h2>
            <dl class="details" data-testid="contact-details">
                <Detail label="Email">
                    {match email {
                        Some(e) => view! { <a href=format!("mailto:{e}")>{e.clone()}</a> }.into_any(),
                        None => "—".into_any(),
                    }}
                </Detail>
                <Detail label="Phone">
                    {match phone {
                        Some(p) => view! { <a href=format!("tel:{}", p.replace(' ', ""))>{p.clone()}</a> }.into_any(),
                        None => "—".into_any(),
                    }}
                </Detail>
                <Detail label="Job title">{or_dash(contact.title.clone())}</Detail>
                <Detail label="Company">{company_link(false).map_or_else(|| "—".into_any(), |l| l.into_any())}</Detail>
                <Detail label="Lifecycle stage">
                    <StageBadge stage=contact.lifecycle_stage />
                </Detail>
                <Detail label="Owner">{move || team.name_of(owner)}</Detail>
                <Detail label="Source">{or_dash(contact.source.clone())}</Detail>
                {(!contact.other_emails.is_empty())
                    .then(|| view! { <Detail label="Other emails">{contact.other_emails.join(", ")}</Detail> })}
                {(!contact.other_phones.is_empty())
                    .then(|| view! { <Detail label="Other phones">{contact.other_phones.join(", ")}</Detail> })}
                <Detail label="Created">{date_time(&contact.created_at)}</Detail>
                <Detail label="Updated">{date_time(&contact.updated_at)}</Detail>
            </dl>
            <CustomFieldDetails
                fields=CustomFieldList::load(CustomFieldEntity::Contact)
                values=contact.custom_fields.clone()
                editable=editable
                team=team
                save=move |key, value| save_custom_value(RecordKind::Contact, contact_id, key, value, with_custom)
            />
            <div class="record-tags">
                <h3 class="detail-heading">"Tags"</h3>
                <TagEditor tags=contact.tags.clone() editable=editable save=move |tags| save_tags(RecordKind::Contact, contact_id, tags, with_tags) />
            </div>
        </section>
        <NextActions contact_id=contact.id on_email=Callback::new(move |_| email_open.set(true)) />
        <ScorePanel
            score=contact.score.clone()
            meaning="Chance this contact buys"
            unscored="Not scored yet: scores are worked out in the background within a few seconds of a change."
        />
        <RecordTimeline kind=RecordKind::Contact id=contact.id refresh=emailed can_add=session.can(Permission::EditOwnRecords) />
        <EmailContactDialog open=email_open contact_id=contact.id on_sent=Callback::new(move |_| emailed.update(|n| *n += 1)) />
        <EnrollDialog open=enroll_open contact_ids=vec![contact.id] on_enrolled=Callback::new(move |_| emailed.update(|n| *n += 1)) />
        <ContactDialog
            open=edit_open
            team=team
            contact=for_dialog
            on_saved=Callback::new(move |_| reload.update(|n| *n += 1))
        />
    }
}
