//! "Email campaign…" over contacts selected in the list: a draft campaign whose audience
//! is exactly them, opened on its page to review and send.

use crate::api;
use crate::components::{FormAlert, Modal, SelectField, TextField};
use crate::forms::FormState;
use kite_shared::marketing::campaigns::{Audience, AudienceKind, CampaignDto, CampaignInput};
use kite_shared::marketing::templates::EmailTemplateDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

#[component]
pub fn CampaignForContactsDialog(open: RwSignal<bool>, #[prop(into)] contact_ids: Signal<Vec<Uuid>>) -> impl IntoView {
    let navigate = use_navigate();
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let templates = LocalResource::new(|| api::get::<Page<EmailTemplateDto>>("/email-templates?per_page=200"));
    let options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Pick a template".to_owned())];
        if let Some(Ok(page)) = templates.get() {
            options.extend(page.items.into_iter().map(|t| (t.id.to_string(), t.name)));
        }
        options
    });
    let create = move |ev: leptos::ev::SubmitEvent| {
        let input = CampaignInput {
            name: name.get_untracked(),
            template_id: template.get_untracked().parse().unwrap_or_default(),
            audience: Audience {
                kind: AudienceKind::List,
                contact_ids: contact_ids.get_untracked(),
                ..Audience::default()
            },
            ..CampaignInput::default()
        };
        let client = input.validate();
        let request = async move { api::post::<CampaignDto>("/campaigns", &input).await };
        let navigate = navigate.clone();
        form.submit(ev, &client, request, move |campaign| {
            open.set(false);
            form.reset();
            navigate(&format!("/campaigns/{}", campaign.id), Default::default());
        });
    };
    view! {
        <Modal open=open title="Email campaign">
            <form class="form-stack" on:submit={ let create = create.clone(); create } novalidate data-testid="selection-campaign-form">
                <FormAlert form=form />
                <p class="modal-text">{move || format!(
                    "A draft campaign to the {} contacts you selected; you review it before it is sent.",
                    contact_ids.with(Vec::len)
                )}</p>
                <TextField name="name" label="Campaign name" value=name form=form error=Signal::derive(move || form.error("name", &[])) />
                <SelectField name="template_id" label="Template" value=template options=options form=form error=Signal::derive(move || form.error("template_id", &[])) />
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" data-testid="selection-campaign-submit" disabled=move || form.busy.get()>"Create draft"</button>
                </div>
            </form>
        </Modal>
    }
}
