//! Making or editing a campaign: a template, an audience (the contacts list's filters)
//! with its live recipient count, a sender, an optional start time and the rate.

use super::EmailTabs;
use crate::api;
use crate::components::{FormAlert, SelectField, TextField};
use crate::format::local_to_utc;
use crate::forms::{FormState, optional};
use crate::team::Team;
use crate::toast::use_toasts;
use kite_shared::UserId;
use kite_shared::crm::contacts::LifecycleStage;
use kite_shared::crm::tags::TagDto;
use kite_shared::marketing::campaigns::{
    Audience, AudienceCount, AudienceFilter, AudienceKind, CampaignDto, CampaignInput, DEFAULT_RATE_PER_MINUTE,
};
use kite_shared::marketing::templates::EmailTemplateDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_use_signal_debounce_throttle::signal_debounced;
use uuid::Uuid;

#[component]
pub fn CampaignForm() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|id| id.parse::<Uuid>().ok())));
    let team = Team::load();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let stage = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let sender = RwSignal::new(String::new());
    let scheduled = RwSignal::new(String::new());
    let rate = RwSignal::new(DEFAULT_RATE_PER_MINUTE.to_string());

    Effect::new(move |_| {
        if let Some(id) = id.get() {
            spawn_local(async move {
                if let Ok(c) = api::get::<CampaignDto>(&format!("/campaigns/{id}")).await {
                    name.set(c.name);
                    template.set(c.template_id.to_string());
                    tag.set(c.audience.filter.tag.unwrap_or_default());
                    stage.set(
                        c.audience
                            .filter
                            .lifecycle_stage
                            .map(|s| s.as_str().to_owned())
                            .unwrap_or_default(),
                    );
                    owner.set(c.audience.filter.owner_id.map(|o| o.to_string()).unwrap_or_default());
                    sender.set(c.sender.map(|s| s.id.to_string()).unwrap_or_default());
                    rate.set(c.rate_per_minute.to_string());
                }
            });
        }
    });
    let templates = LocalResource::new(|| api::get::<Page<EmailTemplateDto>>("/email-templates?per_page=200"));
    let template_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Pick a template".to_owned())];
        if let Some(Ok(page)) = templates.get() {
            options.extend(page.items.into_iter().map(|t| (t.id.to_string(), t.name)));
        }
        options
    });
    let tags = LocalResource::new(|| api::get::<Vec<TagDto>>("/tags"));
    let tag_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Any tag".to_owned())];
        if let Some(Ok(tags)) = tags.get() {
            options.extend(tags.into_iter().map(|t| (t.name.clone(), t.name)));
        }
        options
    });
    let stage_options = Signal::derive(|| {
        let mut options = vec![(String::new(), "Any stage".to_owned())];
        options.extend(
            LifecycleStage::ALL
                .into_iter()
                .map(|s| (s.as_str().to_owned(), s.label().to_owned())),
        );
        options
    });
    let owner_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Any owner".to_owned())];
        options.extend(team.active().into_iter().map(|u| (u.id.to_string(), u.name)));
        options
    });
    let sender_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Me".to_owned())];
        options.extend(
            team.active()
                .into_iter()
                .map(|u| (u.id.to_string(), format!("{} <{}>", u.name, u.email))),
        );
        options
    });

    let audience = Memo::new(move |_| Audience {
        kind: AudienceKind::Filter,
        filter: AudienceFilter {
            tag: optional(&tag.get()),
            lifecycle_stage: LifecycleStage::ALL.into_iter().find(|s| s.as_str() == stage.get()),
            owner_id: owner.get().parse::<Uuid>().ok().map(UserId::from),
            ..AudienceFilter::default()
        },
        contact_ids: Vec::new(),
    });
    let settled: Signal<Audience> = signal_debounced(audience, 300.0);
    let count = LocalResource::new(move || {
        let audience = settled.get();
        async move { api::post::<AudienceCount>("/campaigns/audience-count", &audience).await }
    });

    let input = move || CampaignInput {
        name: name.get_untracked(),
        template_id: template.get_untracked().parse().unwrap_or_default(),
        audience: audience.get_untracked(),
        sender_user_id: sender.get_untracked().parse::<Uuid>().ok().map(UserId::from),
        scheduled_at: local_to_utc(&scheduled.get_untracked()),
        rate_per_minute: rate.get_untracked().trim().parse().ok(),
    };
    let client_errors = move || {
        CampaignInput {
            name: name.get(),
            rate_per_minute: rate.get().trim().parse().ok(),
            ..CampaignInput::default()
        }
        .validate()
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        let input = input();
        let navigate = navigate.clone();
        let request = async move {
            match id.get_untracked() {
                Some(id) => api::put::<CampaignDto>(&format!("/campaigns/{id}"), &input).await,
                None => api::post::<CampaignDto>("/campaigns", &input).await,
            }
        };
        form.submit(ev, &client_errors(), request, move |saved| {
            toasts.success(format!("Campaign \"{}\" saved", saved.name));
            navigate(&format!("/campaigns/{}", saved.id), Default::default());
        });
    };

    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>{move || if id.get().is_some() { "Edit campaign" } else { "New campaign" }}</h1>
                    <p class="muted">"Who gets which email, from whom, and when."</p>
                </div>
            </header>
            <EmailTabs />
            <form class="card form-stack campaign-form" on:submit=save novalidate data-testid="campaign-form">
                <FormAlert form=form />
                <TextField name="name" label="Name" value=name form=form error=Signal::derive(move || form.error("name", &client_errors())) />
                <SelectField name="template_id" label="Template" value=template options=template_options form=form error=Signal::derive(move || form.error("template_id", &[])) />
                <fieldset class="fieldset">
                    <legend>"Audience: contacts who match"</legend>
                    <div class="form-row">
                        <SelectField name="audience.filter.tag" label="Tag" value=tag options=tag_options />
                        <SelectField name="audience.filter.lifecycle_stage" label="Lifecycle stage" value=stage options=stage_options />
                        <SelectField name="audience.filter.owner_id" label="Owner" value=owner options=owner_options />
                    </div>
                    <p class="audience-count" data-testid="audience-count" aria-live="polite">
                        {move || count.get().map(|r| match r {
                            Ok(c) => format!(
                                "{} recipients · {} matched, {} left out ({} without email, {} unsubscribed, {} bounced, {} spam reports, {} suppressed)",
                                c.recipients, c.matched, c.excluded.total(), c.excluded.no_email, c.excluded.unsubscribed,
                                c.excluded.bounced, c.excluded.spam_report, c.excluded.suppressed
                            ),
                            Err(e) => e.message,
                        })}
                    </p>
                </fieldset>
                <div class="form-row">
                    <SelectField name="sender_user_id" label="From" value=sender options=sender_options form=form error=Signal::derive(move || form.error("sender_user_id", &[])) />
                    <TextField name="scheduled_at" label="Start at (optional)" input_type="datetime-local" value=scheduled form=form error=Signal::derive(move || form.error("scheduled_at", &[])) hint="Leave empty to send by hand." />
                    <TextField name="rate_per_minute" label="Emails per minute" input_type="number" value=rate form=form error=Signal::derive(move || form.error("rate_per_minute", &client_errors())) />
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" data-testid="save-campaign" disabled=move || form.busy.get()>"Save campaign"</button>
                </div>
            </form>
        </div>
    }
}
