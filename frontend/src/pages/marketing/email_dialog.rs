//! "Send email" on a contact's page: a template, or a subject and body written for them
//! (by hand or drafted with AI); the email lands on the contact's timeline.

use crate::api;
use crate::components::{DraftWithAi, FormAlert, Modal, SelectField, TextAreaField, TextField};
use crate::forms::FormState;
use crate::toast::use_toasts;
use kite_shared::assistant::drafts::Draft;
use kite_shared::marketing::emails::{OneOffEmailInput, QueuedEmail};
use kite_shared::marketing::templates::EmailTemplateDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn EmailContactDialog(open: RwSignal<bool>, contact_id: Uuid, on_sent: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let form = FormState::new();
    let template = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let templates = LocalResource::new(|| api::get::<Page<EmailTemplateDto>>("/email-templates?per_page=200"));
    let options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Write it here".to_owned())];
        if let Some(Ok(page)) = templates.get() {
            options.extend(page.items.into_iter().map(|t| (t.id.to_string(), t.name)));
        }
        options
    });
    let free_text = move || template.get().is_empty();
    let send = move |ev: leptos::ev::SubmitEvent| {
        let input = OneOffEmailInput {
            template_id: template.get_untracked().parse().ok(),
            subject: Some(subject.get_untracked()).filter(|_| free_text()),
            body_html: Some(body.get_untracked()).filter(|_| free_text()),
            deal_id: None,
        };
        let request = async move { api::post::<QueuedEmail>(&format!("/contacts/{contact_id}/emails"), &input).await };
        form.submit(ev, &[], request, move |sent| {
            toasts.success(format!("Email to {} is on its way", sent.to));
            open.set(false);
            form.reset();
            on_sent.run(());
        });
    };
    view! {
        <Modal open=open title="Send email">
            <form class="form-stack" on:submit=send novalidate data-testid="email-contact-form">
                <FormAlert form=form />
                <SelectField name="template_id" label="Template" value=template options=options form=form error=Signal::derive(move || form.error("template_id", &[])) />
                <Show when=free_text>
                    <DraftWithAi contact_id=contact_id on_draft=Callback::new(move |draft: Draft| {
                        subject.set(draft.subject);
                        body.set(draft.body_html);
                    }) />
                    <TextField name="subject" label="Subject" value=subject form=form error=Signal::derive(move || form.error("subject", &[])) />
                    <TextAreaField name="body_html" label="Message (HTML; variables like {{ contact.first_name }} work)" rows=8 value=body form=form error=Signal::derive(move || form.error("body_html", &[])) />
                </Show>
                <p class="field-error" role="alert">{move || form.error("to", &[])}</p>
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" data-testid="send-email" disabled=move || form.busy.get()>"Send"</button>
                </div>
            </form>
        </Modal>
    }
}
