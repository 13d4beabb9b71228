//! API keys (admins): what other systems sign in with. A new key's secret is shown once,
//! in the dialog that created it; the table shows each key's scopes, last use and state.

use crate::api;
use crate::components::{ConfirmDialog, EmptyState, FormAlert, Modal, SelectField, SkeletonTable, TextField};
use crate::format::{date, now, relative};
use crate::forms::FormState;
use crate::toast::use_toasts;
use chrono::Duration;
use kite_shared::integrations::api_keys::{
    Access, ApiArea, ApiKeyDto, ApiScope, CreateApiKeyRequest, CreatedApiKey, DEFAULT_RATE_LIMIT_PER_MINUTE,
};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_icons::Icon;

#[component]
pub fn ApiKeys() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let create_open = RwSignal::new(false);
    let keys = LocalResource::new(move || {
        reload.track();
        api::get::<Vec<ApiKeyDto>>("/api-keys")
    });
    view! {
        <section class="card" data-testid="api-key-settings">
            <div class="toolbar">
                <div>
                    <h2 class="card-title">"API keys"</h2>
                    <p class="muted">
                        "Other systems (Zapier, a data warehouse, your own scripts) use a key to read and write Kite. "
                        "Send it as " <code>"Authorization: Bearer kite_live_…"</code> " or " <code>"X-API-Key"</code>
                        ". Every route and its scope is in the " <a href="/api-docs/" target="_blank" rel="noopener">"API documentation"</a> "."
                    </p>
                </div>
                <span class="spacer"></span>
                <button class="btn btn-primary" on:click=move |_| create_open.set(true)>
                    <Icon icon=icondata::LuKeyRound />
                    "Create API key"
                </button>
            </div>
            <Transition fallback=|| view! { <SkeletonTable rows=3 columns=6 /> }>
                {move || {
                    keys.get().map(|result| match result {
                        Ok(list) if list.is_empty() => {
                            view! {
                                <EmptyState
                                    icon=icondata::LuKeyRound
                                    title="No API keys yet"
                                    text="Create one for each system that connects to Kite, with only the scopes it needs."
                                />
                            }
                                .into_any()
                        }
                        Ok(list) => view! { <KeyTable keys=list reload=reload /> }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })
                }}
            </Transition>
        </section>
        <CreateKeyDialog open=create_open reload=reload />
    }
}

#[component]
fn KeyTable(keys: Vec<ApiKeyDto>, reload: RwSignal<u32>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table" data-testid="api-key-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Scopes"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col" class="hide-narrow">"Expires"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {keys.into_iter().map(|key| view! { <KeyRow key=key reload=reload /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn KeyRow(key: ApiKeyDto, reload: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let confirm_open = RwSignal::new(false);
    let status = if key.revoked_at.is_some() {
        ("Revoked", "badge badge-muted")
    } else if !key.is_active(now()) {
        ("Expired", "badge badge-warning")
    } else {
        ("Active", "badge badge-success")
    };
    let (id, name) = (key.id, key.name.clone());
    let on_revoke = Callback::new({
        let name = name.clone();
        move |_| {
            let name = name.clone();
            spawn_local(async move {
                match api::post::<ApiKeyDto>(&format!("/api-keys/{id}/revoke"), &serde_json::json!({})).await {
                    Ok(_) => toasts.success(format!("“{name}” was revoked. It stops working at once.")),
                    Err(error) => toasts.error(error.message),
                }
                reload.update(|n| *n += 1);
            });
        }
    });
    let last_used = match (&key.last_used_at, &key.last_used_ip) {
        (Some(at), Some(ip)) => format!("{} from {ip}", relative(at)),
        (Some(at), None) => relative(at),
        (None, _) => "Never".into(),
    };
    view! {
        <tr data-api-key=key.name.clone()>
            <td>
                <div class="person-name">{key.name.clone()}</div>
                <div class="muted small"><code>{format!("{}…", key.prefix)}</code> " · by " {key.created_by_name.clone()} " on " {date(&key.created_at)}</div>
                <div class="muted small">{format!("{} requests a minute", key.rate_limit_per_minute)}</div>
            </td>
            <td>
                <div class="tag-list">
                    {key.scopes.iter().map(|s| view! { <span class="badge badge-accent">{s.as_str()}</span> }).collect_view()}
                </div>
            </td>
            <td>{last_used}</td>
            <td class="hide-narrow">{key.expires_at.as_ref().map_or_else(|| "Never".to_owned(), date)}</td>
            <td><span class=status.1>{status.0}</span></td>
            <td class="cell-actions">
                {key.revoked_at.is_none().then(|| view! {
                    <button class="btn btn-ghost btn-small" on:click=move |_| confirm_open.set(true)>"Revoke"</button>
                })}
                <ConfirmDialog
                    open=confirm_open
                    title=format!("Revoke {name}?")
                    message=Signal::derive(|| "Requests with this key are refused from now on. This cannot be undone.".to_owned())
                    confirm_label="Revoke"
                    on_confirm=on_revoke
                />
            </td>
        </tr>
    }
}

/// "none", "read" or "write" for each area, as the dialog's selects hold them.
fn scopes_from(full: bool, areas: &[(ApiArea, RwSignal<String>)]) -> Vec<ApiScope> {
    if full {
        return vec![ApiScope::Full];
    }
    areas
        .iter()
        .filter_map(|(area, access)| match access.get().as_str() {
            "read" => Some(ApiScope::of(*area, Access::Read)),
            "write" => Some(ApiScope::of(*area, Access::Write)),
            _ => None,
        })
        .collect()
}

#[component]
fn CreateKeyDialog(open: RwSignal<bool>, reload: RwSignal<u32>) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let access = RwSignal::new("areas".to_owned());
    let areas = StoredValue::new(
        ApiArea::ALL
            .iter()
            .map(|area| (*area, RwSignal::new("none".to_owned())))
            .collect::<Vec<_>>(),
    );
    let expiry = RwSignal::new("never".to_owned());
    let rate = RwSignal::new(DEFAULT_RATE_LIMIT_PER_MINUTE.to_string());
    let created = RwSignal::new(None::<String>);
    let form = FormState::new();
    let request = move || CreateApiKeyRequest {
        name: name.get(),
        scopes: areas.with_value(|areas| scopes_from(access.get() == "full", areas)),
        expires_at: expiry
            .get()
            .parse::<i64>()
            .ok()
            .map(|days| now() + Duration::days(days)),
        rate_limit_per_minute: Some(rate.get().trim().parse().unwrap_or(0)),
    };
    let errors = Memo::new(move |_| request().validate(now()));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !form.begin_submit(&errors.get_untracked()) {
            return;
        }
        let body = request();
        spawn_local(async move {
            match api::post::<CreatedApiKey>("/api-keys", &body).await {
                Ok(made) => {
                    toasts.success(format!("API key “{}” was created.", made.key.name));
                    created.set(Some(made.secret));
                    form.done();
                    reload.update(|n| *n += 1);
                }
                Err(error) => form.fail(error),
            }
        });
    };
    let close = move || {
        open.set(false);
        created.set(None);
        name.set(String::new());
        form.reset();
    };
    let expiry_options = vec![
        ("never".to_owned(), "Never".to_owned()),
        ("30".to_owned(), "In 30 days".to_owned()),
        ("90".to_owned(), "In 90 days".to_owned()),
        ("365".to_owned(), "In a year".to_owned()),
    ];
    let area_rows = move || {
        areas.with_value(|areas| {
            areas
                .iter()
                .map(|(area, value)| {
                    let value = *value;
            let id = format!("scope-{}", area.as_str());
            view! {
                <div class="scope-row">
                    <label for=id.clone()>{area.label()}</label>
                    <select id=id on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
                        <option value="none">"No access"</option>
                        <option value="read">"Read"</option>
                        <option value="write">"Read and write"</option>
                    </select>
                </div>
            }
                })
                .collect_view()
        })
    };
    view! {
        <Modal open=open title="Create an API key">
            {move || match created.get() {
                Some(secret) => view! { <ShowSecret secret=secret on_done=Callback::new(move |_| close()) /> }.into_any(),
                None => ().into_any(),
            }}
            <form class="form" on:submit=on_submit novalidate=true class:hidden=move || created.with(Option::is_some)>
                <FormAlert form=form />
                <TextField
                    name="name"
                    label="Name"
                    value=name
                    form=form
                    autofocus=true
                    hint="Say what uses it: “Zapier”, “Warehouse sync”."
                    error=Signal::derive(move || form.error("name", &errors.get()))
                />
                <fieldset class="scope-picker">
                    <legend>"Access"</legend>
                    <label class="radio">
                        <input type="radio" name="access" value="areas" checked=true on:change=move |_| access.set("areas".into()) />
                        "Only the areas chosen below"
                    </label>
                    <label class="radio">
                        <input type="radio" name="access" value="full" on:change=move |_| access.set("full".into()) />
                        "Full access (everything you may do)"
                    </label>
                    <div class="scope-grid" class:disabled=move || access.get() == "full">{area_rows}</div>
                    {move || form.error("scopes", &errors.get()).map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                </fieldset>
                <SelectField name="expires_at" label="Expires" value=expiry options=expiry_options.clone() form=form error=Signal::derive(move || form.error("expires_at", &errors.get())) />
                <TextField
                    name="rate_limit_per_minute"
                    label="Requests a minute"
                    value=rate
                    form=form
                    input_type="number"
                    error=Signal::derive(move || form.error("rate_limit_per_minute", &errors.get()))
                />
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| close()>"Cancel"</button>
                    <button type="submit" class="btn btn-primary" disabled=move || form.busy.get()>"Create key"</button>
                </div>
            </form>
        </Modal>
    }
}

/// The new key's secret, with a copy button: the only time it is shown.
#[component]
fn ShowSecret(secret: String, on_done: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let copy = {
        let secret = secret.clone();
        move |_| {
            let Some(window) = web_sys::window() else { return };
            let promise = window.navigator().clipboard().write_text(&secret);
            spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(promise).await {
                    Ok(_) => toasts.success("The key was copied."),
                    Err(_) => toasts.error("The browser did not allow copying: select the key and copy it."),
                }
            });
        }
    };
    view! {
        <div class="form" data-testid="api-key-created">
            <p class="notice notice-warning" role="status">
                "Copy the key now: it is not shown again. Kite keeps only a fingerprint of it."
            </p>
            <label class="field-label" for="api-key-secret">"Your new key"</label>
            <div class="secret-row">
                <input
                    id="api-key-secret"
                    class="secret-input"
                    data-testid="api-key-secret"
                    readonly=true
                    prop:value=secret.clone()
                    on:focus=move |ev| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    }
                />
                <button type="button" class="btn btn-ghost" on:click=copy>
                    <Icon icon=icondata::LuCopy />
                    "Copy"
                </button>
            </div>
            <div class="modal-actions">
                <button type="button" class="btn btn-primary" on:click=move |_| on_done.run(())>"Done"</button>
            </div>
        </div>
    }
}
