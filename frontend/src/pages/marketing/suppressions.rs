//! The suppression list: who is never emailed and why; add or remove an address.

use super::EmailTabs;
use crate::api;
use crate::components::{Cursors, EmptyState, FormAlert, PageInfo, Pager, SkeletonTable, TextField};
use crate::format::relative;
use crate::forms::{FormState, optional};
use crate::toast::use_toasts;
use kite_shared::marketing::suppressions::{SuppressionDto, SuppressionInput, SuppressionReason};
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_signal_debounce_throttle::signal_debounced;

const PER_PAGE: u64 = 50;

#[component]
pub fn SuppressionList() -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let search = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let typed: Signal<String> = signal_debounced(search, 300.0);
    let query = Memo::new(move |_| {
        format!(
            "/suppressions{}",
            api::query(&[
                ("q", Some(typed.get())),
                ("reason", Some(reason.get())),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        )
    });
    let cursors = Cursors::new(query);
    let items = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<SuppressionDto>>(&path).await }
    });
    let page_info = Signal::derive(move || items.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));

    let form = FormState::new();
    let email = RwSignal::new(String::new());
    let detail = RwSignal::new(String::new());
    let input = move || SuppressionInput {
        email: email.get(),
        detail: optional(&detail.get()),
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        let body = input();
        form.submit(
            ev,
            &input().validate(),
            async move { api::post::<SuppressionDto>("/suppressions", &body).await },
            move |added| {
                toasts.success(format!("{} will not be emailed", added.email));
                email.set(String::new());
                detail.set(String::new());
                form.reset();
                reload.update(|n| *n += 1);
            },
        );
    };
    let remove = move |entry: SuppressionDto| {
        spawn_local(async move {
            match api::delete(&format!("/suppressions/{}", entry.id)).await {
                Ok(()) => {
                    toasts.success(format!("{} may be emailed again", entry.email));
                    reload.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };

    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Email"</h1>
                    <p class="muted">"Addresses no campaign or sequence ever emails: unsubscribes, bounces, spam reports and your own entries."</p>
                </div>
            </header>
            <EmailTabs />
            <form class="card form-row suppression-form" on:submit=add novalidate>
                <FormAlert form=form />
                <TextField name="email" label="Email address" input_type="email" value=email form=form error=Signal::derive(move || form.error("email", &input().validate())) />
                <TextField name="detail" label="Note (optional)" value=detail form=form error=Signal::derive(move || form.error("detail", &input().validate())) />
                <button type="submit" class="btn btn-primary" data-testid="add-suppression" disabled=move || form.busy.get()>"Add to list"</button>
            </form>
            <section class="card">
                <div class="toolbar">
                    <label class="filter">
                        <span>"Search"</span>
                        <input type="search" placeholder="Address" on:input=move |ev| search.set(event_target_value(&ev)) />
                    </label>
                    <label class="filter">
                        <span>"Reason"</span>
                        <select on:change=move |ev| reason.set(event_target_value(&ev))>
                            <option value="">"Any"</option>
                            {SuppressionReason::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                        </select>
                    </label>
                </div>
                <Transition fallback=|| view! { <SkeletonTable rows=4 columns=4 /> }>
                    {move || items.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => view! {
                            <EmptyState icon=icondata::LuShieldCheck title="Nobody is suppressed" text="Unsubscribes, hard bounces and spam reports land here by themselves." />
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="suppressions-table">
                                <thead><tr><th scope="col">"Address"</th><th scope="col">"Reason"</th><th scope="col">"Note"</th><th scope="col">"Since"</th><th></th></tr></thead>
                                <tbody>
                                    {list.items.into_iter().map(|entry| {
                                        let row = entry.clone();
                                        view! {
                                            <tr>
                                                <td>{entry.email.clone()}</td>
                                                <td><span class="badge badge-muted">{entry.reason.label()}</span></td>
                                                <td class="muted">{entry.detail.clone().unwrap_or_default()}</td>
                                                <td class="muted">{relative(&entry.created_at)}</td>
                                                <td><button class="btn btn-small btn-ghost" on:click=move |_| remove(row.clone())>"Remove"</button></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                    })}
                </Transition>
                <Pager cursors=cursors per_page=PER_PAGE page=page_info />
            </section>
        </div>
    }
}
