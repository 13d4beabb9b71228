use super::money::{amount_text, currency_code, parse_amount};
use crate::api;
use crate::components::{FormAlert, Modal, SelectField, TextField};
use crate::custom_fields::{CustomFieldInputs, CustomFieldList, check_values};
use crate::forms::FormState;
use crate::pages::record::RecordSave;
use crate::session::use_session;
use crate::team::Team;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::deals::{DealDto, DealInput};
use kite_shared::crm::money::Money;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::pipelines::{PipelineDto, StageKind};
use kite_shared::page::Page;
use kite_shared::{FieldError, UserId};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;

/// "New deal" without `deal`, "Edit deal" with it. A new deal picks its stage here; an
/// existing one moves on the board or its stage bar, where the move is recorded.
#[component]
pub fn DealDialog(
    open: RwSignal<bool>,
    team: Team,
    #[prop(optional)] deal: Option<DealDto>,
    on_saved: Callback<DealDto>,
) -> impl IntoView {
    let title = if deal.is_some() { "Edit deal" } else { "New deal" };
    view! {
        <Modal open=open title=title>
            <DealForm open=open team=team deal=deal.clone() on_saved=on_saved />
        </Modal>
    }
}

#[component]
fn DealForm(open: RwSignal<bool>, team: Team, deal: Option<DealDto>, on_saved: Callback<DealDto>) -> impl IntoView {
    let me = use_session().me().map(|m| m.user.id);
    let id = deal.as_ref().map(|d| d.id);
    let keep_stage = deal.as_ref().map(|d| (d.pipeline_id, d.stage_id));
    let title = RwSignal::new(deal.as_ref().map(|d| d.title.clone()).unwrap_or_default());
    let amount = RwSignal::new(deal.as_ref().map(|d| amount_text(d.value.minor)).unwrap_or_default());
    let currency = RwSignal::new(deal.as_ref().map_or("EUR".into(), |d| d.value.currency.clone()));
    let probability = RwSignal::new(deal.as_ref().map(|d| d.probability.to_string()).unwrap_or_default());
    let discount = RwSignal::new(
        deal.as_ref()
            .and_then(|d| d.discount_percent)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let close = RwSignal::new(
        deal.as_ref()
            .and_then(|d| d.expected_close)
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let current_owner = deal.as_ref().map_or(me, |d| d.owner_id);
    let owner = RwSignal::new(current_owner.map(|o| o.to_string()).unwrap_or_default());
    let company = RwSignal::new(
        deal.as_ref()
            .and_then(|d| d.company_id)
            .map(|c| c.to_string())
            .unwrap_or_default(),
    );
    let contacts = RwSignal::new(deal.as_ref().map(|d| d.contact_ids.clone()).unwrap_or_default());
    let stage = RwSignal::new(String::new());
    let pipelines = LocalResource::new(|| api::get::<Vec<PipelineDto>>("/pipelines"));
    let companies = LocalResource::new(|| api::get::<Page<CompanyDto>>("/companies?sort=name&per_page=200"));
    let stage_options = Signal::derive(move || {
        let Some(Ok(list)) = pipelines.get() else {
            return Vec::new();
        };
        let several = list.len() > 1;
        list.iter()
            .flat_map(|p| {
                p.stages.iter().filter(|s| s.kind == StageKind::Open).map(move |s| {
                    let label = if several {
                        format!("{} · {}", p.name, s.name)
                    } else {
                        s.name.clone()
                    };
                    (s.id.to_string(), label)
                })
            })
            .collect::<Vec<_>>()
    });
    // The first stage until the user picks another, once the stages are known.
    Effect::new(move |_| {
        if stage.get_untracked().is_empty()
            && let Some((first, _)) = stage_options.get().first()
        {
            stage.set(first.clone());
        }
    });
    let company_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "No company".to_owned())];
        if let Some(Ok(page)) = companies.get() {
            options.extend(page.items.into_iter().map(|c| (c.id.to_string(), c.name)));
        }
        options
    });
    let custom_fields = CustomFieldList::load(CustomFieldEntity::Deal);
    let custom = RwSignal::new(deal.as_ref().map(|d| d.custom_fields.clone()).unwrap_or_default());
    let form = FormState::new();
    let save = RecordSave::new(RecordKind::Deal, id, form, open, on_saved);
    let request = move || {
        let (pipeline_id, stage_id) = match keep_stage {
            Some((p, s)) => (Some(p), Some(s)),
            None => {
                let stage_id: Option<Uuid> = stage.get().parse().ok();
                let pipeline_id = pipelines.get().and_then(|r| r.ok()).and_then(|list| {
                    list.iter()
                        .find(|p| p.stages.iter().any(|s| Some(s.id) == stage_id))
                        .map(|p| p.id)
                });
                (pipeline_id, stage_id)
            }
        };
        DealInput {
            title: title.get().trim().to_owned(),
            value: parse_amount(&amount.get()).map(|minor| Money {
                minor,
                currency: currency_code(&currency.get()),
            }),
            pipeline_id,
            stage_id,
            probability: probability.get().trim().parse().ok(),
            discount_percent: discount.get().trim().parse().ok(),
            expected_close: close.get().parse().ok(),
            owner_id: owner.get().parse().ok().map(UserId),
            company_id: company.get().parse().ok(),
            contact_ids: contacts.get(),
            tags: None,
            custom_fields: custom.get(),
        }
    };
    let errors = Memo::new(move |_| {
        let mut errors = request().validate();
        errors.extend(custom.with(|values| check_values(&custom_fields.get(), values, id.is_none())));
        if parse_amount(&amount.get()).is_none() {
            errors.push(FieldError::new(
                "value.minor",
                "invalid",
                "Type the value as a number, e.g. 1250.50.",
            ));
        }
        let p = probability.get();
        if !p.trim().is_empty() && p.trim().parse::<i32>().is_err() {
            errors.push(FieldError::new(
                "probability",
                "invalid",
                "Use a whole number from 0 to 100.",
            ));
        }
        let d = discount.get();
        if !d.trim().is_empty() && d.trim().parse::<i32>().is_err() {
            errors.push(FieldError::new(
                "discount_percent",
                "invalid",
                "Use a whole number from 0 to 100.",
            ));
        }
        errors
    });
    let error = move |field: &'static str| Signal::derive(move || form.error(field, &errors.get()));
    let on_submit = move |ev: SubmitEvent| save.submit(ev, &errors.get_untracked(), request(), |_| {});
    let owners = Signal::derive(move || team.owner_options(current_owner));
    view! {
        <form class="form" on:submit=on_submit novalidate=true>
            <FormAlert form=form />
            <TextField name="title" label="Title" value=title form=form autofocus=true error=error("title") />
            <div class="form-grid">
                <TextField name="value" label="Value" value=amount form=form hint="e.g. 12500 or 980.50" error=error("value.minor") />
                <TextField name="currency" label="Currency" value=currency form=form hint="e.g. EUR, USD" error=error("value.currency") />
                {keep_stage
                    .is_none()
                    .then(|| view! { <SelectField name="stage_id" label="Stage" value=stage options=stage_options form=form error=error("stage_id") /> })}
                <TextField name="probability" label="Probability (%)" value=probability form=form input_type="number" hint="Blank: the stage's" error=error("probability") />
                <TextField name="discount_percent" label="Discount (%)" value=discount form=form input_type="number" hint="Off the list price; approvals may guard it" error=error("discount_percent") />
                <TextField name="expected_close" label="Expected close" value=close form=form input_type="date" error=error("expected_close") />
                <SelectField name="owner_id" label="Owner" value=owner options=owners form=form error=error("owner_id") />
            </div>
            <SelectField name="company_id" label="Company" value=company options=company_options form=form error=error("company_id") />
            <ContactPicker company=company chosen=contacts />
            <CustomFieldInputs fields=custom_fields values=custom form=form errors=errors team=team />
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>
                    {if id.is_some() { "Save" } else { "Create deal" }}
                </button>
            </div>
        </form>
    }
}

/// The people at the chosen company, to tick the ones the deal is with.
#[component]
fn ContactPicker(company: RwSignal<String>, chosen: RwSignal<Vec<Uuid>>) -> impl IntoView {
    let people = LocalResource::new(move || {
        let company = company.get();
        async move {
            if company.is_empty() {
                return Ok(Vec::new());
            }
            let path = format!(
                "/contacts{}",
                api::query(&[
                    ("company_id", Some(company)),
                    ("sort", Some("last_name".into())),
                    ("per_page", Some("200".into())),
                ])
            );
            api::get::<Page<ContactDto>>(&path).await.map(|p| p.items)
        }
    });
    view! {
        <fieldset class="field contact-picker">
            <legend class="field-label">"Contacts"</legend>
            {move || match people.get() {
                Some(Ok(list)) if list.is_empty() => {
                    let text = if company.get().is_empty() {
                        "Choose a company to link its people."
                    } else {
                        "Nobody at this company yet."
                    };
                    view! { <p class="field-hint">{text}</p> }.into_any()
                }
                Some(Ok(list)) => {
                    list.into_iter()
                        .map(|c| {
                            let id = c.id;
                            view! {
                                <label class="check">
                                    <input
                                        type="checkbox"
                                        prop:checked=move || chosen.with(|ids| ids.contains(&id))
                                        on:change=move |_| {
                                            chosen.update(|ids| {
                                                if let Some(i) = ids.iter().position(|x| *x == id) {
                                                    ids.remove(i);
                                                } else {
                                                    ids.push(id);
                                                }
                                            })
                                        }
                                    />
                                    {c.full_name()}
                                </label>
                            }
                        })
                        .collect_view()
                        .into_any()
                }
                Some(Err(e)) => view! { <p class="field-error">{e.message}</p> }.into_any(),
                None => view! { <p class="field-hint">"Loading…"</p> }.into_any(),
            }}
        </fieldset>
    }
}
