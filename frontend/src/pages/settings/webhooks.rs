//! Webhooks (admins): URLs Kite tells about changes, with signed POSTs. Each
//! subscription has a delivery log (kept fresh while it is open), a test event and
//! redelivery; Kite pauses a subscription whose receiver answers 410 Gone.

use crate::api;
use crate::components::{ConfirmDialog, EmptyState, FormAlert, Modal, SkeletonTable, TextField};
use crate::format::date_time;
use crate::forms::{FormState, optional};
use crate::toast::use_toasts;
use gloo_timers::callback::Interval;
use kite_shared::domain_events::DomainEventKind;
use kite_shared::integrations::webhooks::{
    DeliveryOutcome, QueuedMessage, SUBSCRIBABLE, WebhookDeliveryDto, WebhookSubscriptionDto, WebhookSubscriptionInput,
};
use kite_shared::page::Page;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;
use uuid::Uuid;

/// How often an open delivery log looks for new attempts.
const LOG_REFRESH_MS: u32 = 2_000;

fn input_of(subscription: &WebhookSubscriptionDto, active: bool) -> WebhookSubscriptionInput {
    WebhookSubscriptionInput {
        url: subscription.url.clone(),
        description: subscription.description.clone(),
        events: subscription.events.clone(),
        active,
    }
}

#[component]
pub fn Webhooks() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let create_open = RwSignal::new(false);
    let selected = RwSignal::new(None::<Uuid>);
    let subscriptions = LocalResource::new(move || {
        reload.track();
        api::get::<Vec<WebhookSubscriptionDto>>("/webhook-subscriptions")
    });
    view! {
        <section class="card" data-testid="webhook-settings">
            <div class="toolbar">
                <div>
                    <h2 class="card-title">"Webhooks"</h2>
                    <p class="muted">
                        "Kite POSTs each chosen event to your URL as JSON, signed the Standard Webhooks way ("
                        <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code> ", " <code>"webhook-signature"</code>
                        "). Failed deliveries are retried for about a day."
                    </p>
                </div>
                <span class="spacer"></span>
                <button class="btn btn-primary" on:click=move |_| create_open.set(true)>
                    <Icon icon=icondata::LuWebhook />
                    "Add webhook"
                </button>
            </div>
            <Transition fallback=|| view! { <SkeletonTable rows=3 columns=4 /> }>
                {move || {
                    subscriptions.get().map(|result| match result {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <EmptyState
                                    icon=icondata::LuWebhook
                                    title="No webhooks yet"
                                    text="Add a URL to hear about new and changed contacts, companies, deals and activities."
                                />
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <div class="table-wrap">
                                    <table class="table" data-testid="webhook-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"URL"</th>
                                                <th scope="col">"Events"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|s| view! { <SubscriptionRow subscription=s reload=reload selected=selected /> })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })
                }}
            </Transition>
        </section>
        {move || selected.get().map(|id| view! { <DeliveryLog id=id /> })}
        <CreateWebhookDialog open=create_open reload=reload />
    }
}

#[component]
fn SubscriptionRow(
    subscription: WebhookSubscriptionDto,
    reload: RwSignal<u32>,
    selected: RwSignal<Option<Uuid>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let confirm_open = RwSignal::new(false);
    let id = subscription.id;
    let status = match (&subscription.disabled_reason, subscription.active) {
        (_, true) => ("Active", "badge badge-success"),
        (Some(_), false) => ("Paused by Kite", "badge badge-warning"),
        (None, false) => ("Paused", "badge badge-muted"),
    };
    let toggle = {
        let body = input_of(&subscription, !subscription.active);
        move |_| {
            let body = body.clone();
            spawn_local(async move {
                match api::put::<WebhookSubscriptionDto>(&format!("/webhook-subscriptions/{id}"), &body).await {
                    Ok(s) if s.active => toasts.success("The webhook is on again."),
                    Ok(_) => toasts.success("The webhook is paused."),
                    Err(error) => toasts.error(error.message),
                }
                reload.update(|n| *n += 1);
            });
        }
    };
    let send_test = move |_| {
        spawn_local(async move {
            match api::post::<QueuedMessage>(&format!("/webhook-subscriptions/{id}/test"), &serde_json::json!({})).await
            {
                Ok(_) => {
                    toasts.success("A test event is on its way.");
                    selected.set(Some(id));
                }
                Err(error) => toasts.error(error.message),
            }
        });
    };
    let on_delete = Callback::new(move |_| {
        spawn_local(async move {
            match api::delete(&format!("/webhook-subscriptions/{id}")).await {
                Ok(()) => toasts.success("The webhook was deleted."),
                Err(error) => toasts.error(error.message),
            }
            if selected.get_untracked() == Some(id) {
                selected.set(None);
            }
            reload.update(|n| *n += 1);
        });
    });
    let events = subscription
        .events
        .iter()
        .map(|e| e.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <tr data-webhook=subscription.url.clone() class:row-selected=move || selected.get() == Some(id)>
            <td>
                <div class="person-name mono-wrap">{subscription.url.clone()}</div>
                {subscription.description.clone().map(|d| view! { <div class="muted small">{d}</div> })}
            </td>
            <td class="small">{events}</td>
            <td>
                <span class=status.1 title=subscription.disabled_reason.clone().unwrap_or_default()>{status.0}</span>
                {subscription.disabled_reason.clone().map(|r| view! { <div class="muted small">{r}</div> })}
            </td>
            <td class="cell-actions">
                <button class="btn btn-ghost btn-small" on:click=move |_| selected.set(Some(id))>"Deliveries"</button>
                <button class="btn btn-ghost btn-small" on:click=send_test>"Send test"</button>
                <button class="btn btn-ghost btn-small" on:click=toggle>{if subscription.active { "Pause" } else { "Resume" }}</button>
                <button class="btn btn-ghost btn-small" on:click=move |_| confirm_open.set(true)>"Delete"</button>
                <ConfirmDialog
                    open=confirm_open
                    title="Delete this webhook?"
                    message=Signal::derive(|| "Nothing more is sent to it, and its delivery log is deleted.".to_owned())
                    confirm_label="Delete"
                    on_confirm=on_delete
                />
            </td>
        </tr>
    }
}

/// One subscription's secret and attempts, newest first, refreshed while shown.
#[component]
fn DeliveryLog(id: Uuid) -> impl IntoView {
    let toasts = use_toasts();
    let tick = RwSignal::new(0u32);
    let timer = StoredValue::new_local(Some(Interval::new(LOG_REFRESH_MS, move || {
        let _ = tick.try_update(|n| *n += 1);
    })));
    on_cleanup(move || {
        let _ = timer.try_update_value(|t| *t = None);
    });
    let subscription = LocalResource::new(move || async move {
        api::get::<WebhookSubscriptionDto>(&format!("/webhook-subscriptions/{id}")).await
    });
    let deliveries = LocalResource::new(move || {
        tick.track();
        async move {
            api::get::<Page<WebhookDeliveryDto>>(&format!("/webhook-subscriptions/{id}/deliveries?per_page=50")).await
        }
    });
    let loaded = RwSignal::new(None::<Vec<WebhookDeliveryDto>>);
    let error = RwSignal::new(None::<String>);
    Effect::new(move |_| match deliveries.get() {
        Some(Ok(page)) => {
            error.set(None);
            loaded.set(Some(page.items));
        }
        Some(Err(e)) => error.set(Some(e.message)),
        None => {}
    });
    let show_secret = RwSignal::new(false);
    let redeliver = move |delivery: Uuid| {
        spawn_local(async move {
            let path = format!("/webhook-subscriptions/{id}/deliveries/{delivery}/redeliver");
            match api::post::<QueuedMessage>(&path, &serde_json::json!({})).await {
                Ok(_) => toasts.success("The message is sent again."),
                Err(error) => toasts.error(error.message),
            }
            tick.update(|n| *n += 1);
        });
    };
    view! {
        <section class="card" data-testid="webhook-deliveries">
            <div class="toolbar">
                <div>
                    <h2 class="card-title">"Deliveries"</h2>
                    {move || subscription.get().and_then(Result::ok).map(|s| view! { <p class="muted mono-wrap">{s.url}</p> })}
                </div>
            </div>
            <div class="secret-row">
                <span class="field-label">"Signing secret"</span>
                <input
                    class="secret-input"
                    readonly=true
                    aria-label="Signing secret"
                    prop:value=move || {
                        let secret = subscription.get().and_then(Result::ok).map(|s| s.secret).unwrap_or_default();
                        if show_secret.get() { secret } else { "whsec_••••••••••••••••".to_owned() }
                    }
                />
                <button type="button" class="btn btn-ghost" on:click=move |_| show_secret.update(|s| *s = !*s)>
                    {move || if show_secret.get() { "Hide" } else { "Show" }}
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-alert" role="alert">{e}</p> })}
            <Show when=move || loaded.with(Option::is_some) fallback=|| view! { <SkeletonTable rows=3 columns=5 /> }>
                <Show
                    when=move || loaded.with(|l| l.as_ref().is_some_and(|l| !l.is_empty()))
                    fallback=|| {
                        view! {
                            <EmptyState
                                icon=icondata::LuSend
                                title="Nothing sent yet"
                                text="Deliveries appear here as events happen. “Send test” sends one now."
                            />
                        }
                    }
                >
                    // Keyed rows stay in place as the log refreshes, so an opened one stays open.
                    <ul class="delivery-list" data-testid="delivery-list">
                        <For each=move || loaded.get().unwrap_or_default() key=|d| d.id let:d>
                            <DeliveryRow delivery=d on_redeliver=Callback::new(redeliver) />
                        </For>
                    </ul>
                </Show>
            </Show>
        </section>
    }
}

#[component]
fn DeliveryRow(delivery: WebhookDeliveryDto, on_redeliver: Callback<Uuid>) -> impl IntoView {
    let d = delivery;
    let (label, class) = match d.outcome {
        DeliveryOutcome::Succeeded => ("Delivered", "badge badge-success"),
        DeliveryOutcome::Failed => ("Failed", "badge badge-danger"),
        DeliveryOutcome::Refused => ("Refused", "badge badge-warning"),
    };
    let id = d.id;
    let status = d
        .response_status
        .map_or_else(|| "no answer".to_owned(), |s| format!("HTTP {s}"));
    view! {
        <li class="delivery" data-delivery-event=d.event_type.clone()>
            <details>
                <summary>
                    <span class=class>{label}</span>
                    <code>{d.event_type.clone()}</code>
                    <span>{status}</span>
                    <span class="muted small">{format!("attempt {} · {} ms · {}", d.attempt, d.duration_ms, date_time(&d.created_at))}</span>
                    {d.next_attempt_at.map(|at| view! { <span class="muted small">{format!("next try {}", date_time(&at))}</span> })}
                </summary>
                {d.error.clone().map(|e| view! { <p class="field-error">{e}</p> })}
                <h3 class="small">"Request body"</h3>
                <pre class="delivery-body">{d.request_body.clone()}</pre>
                <h3 class="small">"Response"</h3>
                <pre class="delivery-body">{d.response_excerpt.clone().unwrap_or_else(|| "(empty)".into())}</pre>
                <button class="btn btn-ghost btn-small" on:click=move |_| on_redeliver.run(id)>"Redeliver"</button>
            </details>
        </li>
    }
}

/// The events grouped by record, for the checkboxes.
fn event_groups() -> Vec<(&'static str, Vec<DomainEventKind>)> {
    let mut groups: Vec<(&'static str, Vec<DomainEventKind>)> = Vec::new();
    for kind in SUBSCRIBABLE {
        match groups.iter_mut().find(|(entity, _)| *entity == kind.entity_type()) {
            Some((_, kinds)) => kinds.push(*kind),
            None => groups.push((kind.entity_type(), vec![*kind])),
        }
    }
    groups
}

#[component]
fn CreateWebhookDialog(open: RwSignal<bool>, reload: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let url = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let events = RwSignal::new(Vec::<DomainEventKind>::new());
    let form = FormState::new();
    let request = move || WebhookSubscriptionInput {
        url: url.get(),
        description: optional(&description.get()),
        events: events.get(),
        active: true,
    };
    let errors = Memo::new(move |_| request().validate());
    let close = move || {
        open.set(false);
        url.set(String::new());
        description.set(String::new());
        events.set(Vec::new());
        form.reset();
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = request();
        spawn_local(async move {
            match api::post::<WebhookSubscriptionDto>("/webhook-subscriptions", &body).await {
                Ok(_) => {
                    toasts.success("The webhook was added.");
                    close();
                    reload.update(|n| *n += 1);
                }
                Err(error) => form.fail(error),
            }
        });
    };
    view! {
        <Modal open=open title="Add a webhook">
            <form class="form" on:submit=on_submit novalidate=true>
                <FormAlert form=form />
                <TextField
                    name="url"
                    label="URL"
                    value=url
                    form=form
                    input_type="url"
                    autofocus=true
                    hint="Where Kite POSTs the events: a public https:// address."
                    error=Signal::derive(move || form.error("url", &errors.get()))
                />
                <TextField
                    name="description"
                    label="Description"
                    value=description
                    form=form
                    error=Signal::derive(move || form.error("description", &errors.get()))
                />
                <fieldset class="scope-picker">
                    <legend>"Events"</legend>
                    <div class="event-grid">
                        {event_groups()
                            .into_iter()
                            .map(|(entity, kinds)| {
                                view! {
                                    <div class="event-group">
                                        <span class="field-label">{entity}</span>
                                        {kinds
                                            .into_iter()
                                            .map(|kind| {
                                                view! {
                                                    <label class="radio">
                                                        <input
                                                            type="checkbox"
                                                            value=kind.as_str()
                                                            prop:checked=move || events.with(|e| e.contains(&kind))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                events.update(|e| {
                                                                    e.retain(|k| *k != kind);
                                                                    if on {
                                                                        e.push(kind);
                                                                    }
                                                                });
                                                            }
                                                        />
                                                        {kind.as_str().split_once('.').map_or(kind.as_str(), |(_, what)| what).replace('_', " ")}
                                                    </label>
                                                }
                                            })
                                            .collect_view()}
                                    </div>
                                }
                            })
                            .collect_view()}
                    </div>
                    {move || form.error("events", &errors.get()).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                </fieldset>
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| close()>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Add webhook"</button>
                </div>
            </form>
        </Modal>
    }
}
