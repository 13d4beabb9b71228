//! Mail from contacts, for admins: the Inbound Parse address to give SendGrid, and the
//! messages no contact matched, each filed under a contact by hand.

use super::EmailTabs;
use crate::api;
use crate::components::{Cursors, EmptyState, Modal, PageInfo, Pager, SkeletonTable};
use crate::format::relative;
use crate::toast::use_toasts;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::marketing::emails::{AssignInbound, InboundAddress, InboundEmailDto};
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_use_signal_debounce_throttle::signal_debounced;
use uuid::Uuid;

const PER_PAGE: u64 = 25;

#[component]
pub fn InboxPage() -> impl IntoView {
    let toasts = use_toasts();
    let reload = RwSignal::new(0u32);
    let rotated = RwSignal::new(0u32);
    let address = LocalResource::new(move || {
        rotated.track();
        api::get::<InboundAddress>("/inbound/address")
    });
    let query = Signal::derive(|| format!("/inbound/unmatched?per_page={PER_PAGE}"));
    let cursors = Cursors::new(query);
    let items = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<InboundEmailDto>>(&path).await }
    });
    let page_info = Signal::derive(move || items.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    let rotate = move |_| {
        spawn_local(async move {
            match api::post::<InboundAddress>("/inbound/address/rotate", &()).await {
                Ok(_) => {
                    toasts.success("New address made: give it to SendGrid, the old one no longer works");
                    rotated.update(|n| *n += 1);
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    let assigning = RwSignal::new(None::<InboundEmailDto>);
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Email"</h1>
                    <p class="muted">"Replies land on the contact's timeline by themselves; mail from unknown senders waits here."</p>
                </div>
            </header>
            <EmailTabs />
            <section class="card">
                <h2 class="card-title">"Inbound address"</h2>
                <p class="muted">"In SendGrid, under Inbound Parse, post the mail of your reply-to domain to this URL."</p>
                <div class="toolbar">
                    <code class="inbound-url" data-testid="inbound-url">
                        {move || address.get().map(|r| r.map(|a| a.url).unwrap_or_else(|e| e.message))}
                    </code>
                    <button class="btn btn-ghost btn-small" on:click=rotate>"Make a new address"</button>
                </div>
            </section>
            <section class="card">
                <h2 class="card-title">"Unmatched"</h2>
                <Transition fallback=|| view! { <SkeletonTable rows=3 columns=4 /> }>
                    {move || items.get().map(|result| match result {
                        Ok(list) if list.items.is_empty() => view! {
                            <EmptyState icon=icondata::LuInbox title="Nothing unmatched" text="Every message came from a contact or answered one of your emails." />
                        }.into_any(),
                        Ok(list) => view! {
                            <table class="table" data-testid="unmatched-table">
                                <thead><tr>
                                    <th scope="col">"From"</th>
                                    <th scope="col">"Subject"</th>
                                    <th scope="col">"Received"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.items.into_iter().map(|e| {
                                        let for_dialog = e.clone();
                                        view! {
                                            <tr>
                                                <td>{e.from_name.clone().map(|n| format!("{n} ")).unwrap_or_default()}<span class="muted">{e.from_email.clone()}</span></td>
                                                <td title=e.text_body.clone().unwrap_or_default()>{e.subject.clone()}</td>
                                                <td class="muted">{relative(&e.received_at)}</td>
                                                <td class="row-actions">
                                                    <button class="btn btn-secondary btn-small" data-testid="assign-inbound" on:click=move |_| assigning.set(Some(for_dialog.clone()))>"File under contact…"</button>
                                                </td>
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
            <AssignDialog email=assigning on_done=Callback::new(move |_| reload.update(|n| *n += 1)) />
        </div>
    }
}

/// Picks the contact a message belongs to, searched by name or address.
#[component]
fn AssignDialog(email: RwSignal<Option<InboundEmailDto>>, on_done: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let open = RwSignal::new(false);
    Effect::new(move |_| open.set(email.with(Option::is_some)));
    Effect::new(move |_| {
        if !open.get() {
            email.set(None);
        }
    });
    let search = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(e) = email.get() {
            search.set(e.from_email.split('@').nth(1).unwrap_or_default().to_owned());
        }
    });
    let typed = signal_debounced(search, 250.0);
    let found = LocalResource::new(move || {
        let q: String = typed.get();
        async move {
            if q.trim().is_empty() {
                return Ok(Vec::new());
            }
            let path = format!(
                "/contacts{}",
                api::query(&[("q", Some(q)), ("per_page", Some("8".into()))])
            );
            api::get::<Page<ContactDto>>(&path).await.map(|p| p.items)
        }
    });
    let assign = move |contact_id: Uuid| {
        let Some(id) = email.get_untracked().map(|e| e.id) else {
            return;
        };
        spawn_local(async move {
            match api::post::<InboundEmailDto>(&format!("/inbound/emails/{id}/assign"), &AssignInbound { contact_id })
                .await
            {
                Ok(done) => {
                    toasts.success(format!("Filed under {}", done.contact_name.unwrap_or_default()));
                    open.set(false);
                    on_done.run(());
                }
                Err(e) => toasts.error(e.message),
            }
        });
    };
    view! {
        <Modal open=open title="File under contact">
            <div class="form-stack">
                <p class="modal-text">{move || email.get().map(|e| format!("“{}” from {}", e.subject, e.from_email))}</p>
                <div class="field">
                    <label for="field-assign-search">"Contact"</label>
                    <input id="field-assign-search" type="search" data-testid="assign-search" placeholder="Name or email"
                        prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                </div>
                <ul class="pick-list" data-testid="assign-results">
                    {move || found.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|c| {
                        let id = c.id;
                        view! {
                            <li>
                                <button type="button" class="btn btn-ghost pick-item" on:click=move |_| assign(id)>
                                    {c.full_name()}<span class="muted">" "{c.email.clone()}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <div class="modal-actions">
                    <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </div>
        </Modal>
    }
}
