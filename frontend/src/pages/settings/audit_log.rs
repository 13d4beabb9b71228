use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::date_time;
use kite_shared::audit::AuditEntryDto;
use kite_shared::auth::UserDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

const PER_PAGE: u64 = 50;

/// `YYYY-MM-DD` from a date input, at local midnight, as an RFC 3339 UTC instant.
fn local_midnight_utc(day: &str, add_days: f64) -> Option<String> {
    if day.is_empty() {
        return None;
    }
    let date = js_sys::Date::new(&JsValue::from_str(&format!("{day}T00:00:00")));
    if date.get_time().is_nan() {
        return None;
    }
    let shifted = js_sys::Date::new(&JsValue::from_f64(date.get_time() + add_days * 86_400_000.0));
    Some(shifted.to_iso_string().into())
}

#[component]
pub fn AuditLog() -> impl IntoView {
    let actor = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let people = LocalResource::new(|| api::get::<Page<UserDto>>("/users?per_page=200"));
    // Other filters start again from the first page.
    let query = Memo::new(move |_| {
        format!(
            "/audit-log{}",
            api::query(&[
                ("actor_user_id", Some(actor.get())),
                ("action", Some(action.get())),
                ("from", local_midnight_utc(&from.get(), 0.0)),
                ("to", local_midnight_utc(&to.get(), 1.0)),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        )
    });
    let cursors = Cursors::new(query);
    let entries = LocalResource::new(move || {
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<AuditEntryDto>>(&path).await }
    });
    let page_info =
        Signal::derive(move || entries.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    view! {
        <section class="card">
            <div class="toolbar">
                <label class="filter">
                    <span>"User"</span>
                    <select on:change=move |ev| actor.set(event_target_value(&ev))>
                        <option value="">"Everyone"</option>
                        {move || {
                            people
                                .get()
                                .and_then(|r| r.ok())
                                .map(|p| {
                                    p.items
                                        .into_iter()
                                        .map(|u| view! { <option value=u.id.to_string()>{u.name}</option> })
                                        .collect_view()
                                })
                        }}
                    </select>
                </label>
                <label class="filter">
                    <span>"Action"</span>
                    <select on:change=move |ev| action.set(event_target_value(&ev))>
                        <option value="">"All actions"</option>
                        <option value="auth.">"Sign-ins and sessions"</option>
                        <option value="auth.login_failed">"Failed sign-ins"</option>
                        <option value="user.">"User changes"</option>
                        <option value="organization.">"Organization"</option>
                    </select>
                </label>
                <label class="filter">
                    <span>"From"</span>
                    <input type="date" on:change=move |ev| from.set(event_target_value(&ev)) />
                </label>
                <label class="filter">
                    <span>"To"</span>
                    <input type="date" on:change=move |ev| to.set(event_target_value(&ev)) />
                </label>
            </div>
            <Transition fallback=|| view! { <SkeletonTable rows=8 columns=5 /> }>
                {move || {
                    entries.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => {
                            view! {
                                <EmptyState
                                    icon=icondata::LuScrollText
                                    title="Nothing recorded for these filters"
                                    text="Widen the dates or choose another user or action."
                                />
                            }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <div class="table-wrap">
                                    <table class="table" data-testid="audit-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">"When"</th>
                                                <th scope="col">"Who"</th>
                                                <th scope="col">"Action"</th>
                                                <th scope="col" class="hide-narrow">"Record"</th>
                                                <th scope="col" class="hide-narrow">"From"</th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list.items.into_iter().map(|entry| view! { <AuditRow entry=entry /> }).collect_view()}
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
            <Pager cursors=cursors per_page=PER_PAGE page=page_info />
        </section>
    }
}

/// A sentence for the actions people look for; the code stays visible beside it.
fn action_label(action: &str) -> &'static str {
    match action {
        "auth.signup" => "Created the organization's account",
        "auth.login" => "Signed in",
        "auth.login_failed" => "Failed to sign in",
        "auth.login_refused_locked" => "Sign-in refused: account locked",
        "auth.login_refused_inactive" => "Sign-in refused: deactivated",
        "auth.account_locked" => "Account locked after failed sign-ins",
        "auth.logout" => "Signed out",
        "auth.token_refreshed" => "Session renewed",
        "auth.refresh_token_reused" => "Session ended: token reused",
        "auth.password_reset_requested" => "Asked for a password reset",
        "auth.password_reset" => "Reset the password",
        "auth.password_changed" => "Changed the password",
        "auth.invitation_accepted" => "Accepted the invitation",
        "organization.created" => "Created the organization",
        "user.invited" => "Invited a user",
        "user.updated" => "Changed a user",
        "user.profile_updated" => "Updated their profile",
        _ => "",
    }
}

#[component]
fn AuditRow(entry: AuditEntryDto) -> impl IntoView {
    let open = RwSignal::new(false);
    let has_details = entry.before.is_some() || entry.after.is_some();
    let pretty = |v: &Option<serde_json::Value>| {
        v.as_ref()
            .and_then(|v| serde_json::to_string_pretty(v).ok())
            .unwrap_or_else(|| "—".into())
    };
    let (before, after) = (pretty(&entry.before), pretty(&entry.after));
    let short_id: String = entry.entity_id.clone().unwrap_or_default().chars().take(8).collect();
    let record = format!("{} {short_id}", entry.entity_type);
    let label = action_label(&entry.action);
    view! {
        <tr
            class:row-clickable=has_details
            aria-expanded=move || has_details.then(|| open.get().to_string())
            on:click=move |_| open.update(|o| *o = !*o)
        >
            <td class="nowrap">{date_time(&entry.created_at)}</td>
            <td class="nowrap">{entry.actor_label.clone().unwrap_or_else(|| "—".into())}</td>
            <td>
                {(!label.is_empty()).then(|| view! { <div>{label}</div> })}
                <code class="muted small">{entry.action.clone()}</code>
            </td>
            <td class="hide-narrow muted small nowrap" title=entry.entity_id.clone().unwrap_or_default()>{record}</td>
            <td class="hide-narrow muted small">{entry.ip.clone().unwrap_or_default()}</td>
        </tr>
        <Show when=move || open.get() && has_details>
            <tr class="row-details">
                <td colspan="5">
                    <div class="diff">
                        <div>
                            <span class="menu-label">"Before"</span>
                            <pre>{before.clone()}</pre>
                        </div>
                        <div>
                            <span class="menu-label">"After"</span>
                            <pre>{after.clone()}</pre>
                        </div>
                    </div>
                </td>
            </tr>
        </Show>
    }
}
