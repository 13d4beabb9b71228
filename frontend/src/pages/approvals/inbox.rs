//! The approvals inbox: what waits for me, my requests, and (managers and admins) all,
//! each with its count; approve or reject straight from the list.

use super::decision::{DecisionDialog, DecisionPrompt, Verb};
use super::status_badge;
use crate::api;
use crate::components::{Cursors, EmptyState, PageInfo, Pager, SkeletonTable};
use crate::format::relative;
use crate::live;
use crate::session::use_session;
use kite_shared::Permission;
use kite_shared::approvals::{ApprovalBox, ApprovalCounts, ApprovalStatus, ApprovalSummary};
use kite_shared::crm::money::format_money;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_router::components::A;

const PER_PAGE: u64 = 25;

fn box_name(inbox: ApprovalBox) -> &'static str {
    match inbox {
        ApprovalBox::Waiting => "waiting",
        ApprovalBox::Mine => "mine",
        ApprovalBox::All => "all",
    }
}

#[component]
pub fn ApprovalInbox() -> impl IntoView {
    let session = use_session();
    let inbox = RwSignal::new(ApprovalBox::Waiting);
    let status = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    live::on_record_changes(&["approval"], Callback::new(move |_| reload.update(|n| *n += 1)));
    let counts = LocalResource::new(move || {
        reload.track();
        api::get::<ApprovalCounts>("/approvals/counts")
    });
    let query = Memo::new(move |_| {
        format!(
            "/approvals{}",
            api::query(&[
                ("box", Some(box_name(inbox.get()).to_owned())),
                ("status", Some(status.get())),
                ("per_page", Some(PER_PAGE.to_string())),
            ])
        )
    });
    let cursors = Cursors::new(query);
    let items = LocalResource::new(move || {
        reload.track();
        let path = api::with_cursor(&query.get(), cursors.cursor());
        async move { api::get::<Page<ApprovalSummary>>(&path).await }
    });
    let page_info = Signal::derive(move || items.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).map(PageInfo::of)));
    let prompt = RwSignal::new(None::<DecisionPrompt>);
    let count_of = move |which: ApprovalBox| {
        counts.get().and_then(|r| r.ok()).and_then(|c| match which {
            ApprovalBox::Waiting => Some(c.waiting),
            ApprovalBox::Mine => Some(c.mine),
            ApprovalBox::All => c.all,
        })
    };
    let tab = move |which: ApprovalBox, label: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="pill-tab"
                data-box=box_name(which)
                aria-selected=move || (inbox.get() == which).to_string()
                on:click=move |_| inbox.set(which)
            >
                {label}
                {move || count_of(which).map(|n| view! { <span class="badge badge-muted tab-count">{n}</span> })}
            </button>
        }
    };
    view! {
        <div class="page">
            <header class="page-header">
                <div>
                    <h1>"Approvals"</h1>
                    <p class="muted">"Deal moves that wait for a sign-off, and how they ended."</p>
                </div>
            </header>
            <section class="card">
                <div class="toolbar">
                    <div class="pill-tabs" role="tablist" aria-label="Which requests">
                        {tab(ApprovalBox::Waiting, "Waiting for me")}
                        {tab(ApprovalBox::Mine, "My requests")}
                        {move || session.can(Permission::EditAllRecords).then(|| tab(ApprovalBox::All, "All"))}
                    </div>
                    <label class="filter">
                        <span>"Status"</span>
                        <select data-testid="approval-status-filter" on:change=move |ev| status.set(event_target_value(&ev))>
                            <option value="">"Any"</option>
                            {ApprovalStatus::ALL
                                .into_iter()
                                .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                </div>
                <Transition fallback=|| view! { <SkeletonTable rows=5 columns=6 /> }>
                    {move || {
                        items
                            .get()
                            .map(|result| match result {
                                Ok(list) if list.items.is_empty() => {
                                    view! {
                                        <EmptyState
                                            icon=icondata::LuInbox
                                            title="Nothing here"
                                            text="Requests show up here when a deal move needs a sign-off."
                                        />
                                    }
                                        .into_any()
                                }
                                Ok(list) => {
                                    view! {
                                        <div class="table-wrap">
                                            <table class="table" data-testid="approvals-table">
                                                <thead>
                                                    <tr>
                                                        <th scope="col">"Deal"</th>
                                                        <th scope="col">"Move"</th>
                                                        <th scope="col">"Value"</th>
                                                        <th scope="col">"Step"</th>
                                                        <th scope="col" class="hide-narrow">"Asked by"</th>
                                                        <th scope="col">"Status"</th>
                                                        <th scope="col" aria-label="Actions"></th>
                                                    </tr>
                                                </thead>
                                                <tbody>
                                                    {list
                                                        .items
                                                        .into_iter()
                                                        .map(|item| view! { <InboxRow item=item prompt=prompt /> })
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
                <Pager cursors=cursors per_page=PER_PAGE page=page_info />
            </section>
        </div>
        <DecisionDialog prompt=prompt on_done=Callback::new(move |_| reload.update(|n| *n += 1)) />
    }
}

#[component]
fn InboxRow(item: ApprovalSummary, prompt: RwSignal<Option<DecisionPrompt>>) -> impl IntoView {
    let id = item.id;
    let title = item.snapshot.title.clone();
    let ask = move |verb: Verb| {
        let title = title.clone();
        move |_| {
            prompt.set(Some(DecisionPrompt {
                request_id: id,
                title: title.clone(),
                verb,
            }))
        }
    };
    let snapshot = item.snapshot.clone();
    let discount = snapshot
        .discount_percent
        .map(|d| format!(" · {d}% off"))
        .unwrap_or_default();
    view! {
        <tr data-testid="approval-row" data-request-id=id.to_string()>
            <td>
                <A href=format!("/approvals/{id}")>{snapshot.title.clone()}</A>
                <div class="muted small">{item.workflow_name.clone()} " · " {relative(&item.created_at)}</div>
            </td>
            <td>{format!("{} → {}", snapshot.from_stage_name, snapshot.to_stage_name)}</td>
            <td>{format_money(snapshot.value.minor, &snapshot.value.currency)} {discount}</td>
            <td>
                {format!("{}/{} {}", item.current_step, item.step_count, item.current_step_name)}
                {item.overdue.then(|| view! { <span class="badge badge-danger">"Overdue"</span> })}
            </td>
            <td class="hide-narrow">{item.requester_name.clone().unwrap_or_default()}</td>
            <td>{status_badge(item.status)}</td>
            <td class="row-actions">
                {item
                    .waiting_on_me
                    .then(|| {
                        view! {
                            <button type="button" class="btn btn-small btn-primary" data-testid="approve" on:click=ask(Verb::Approve)>
                                "Approve"
                            </button>
                            <button type="button" class="btn btn-small btn-ghost" data-testid="reject" on:click=ask(Verb::Reject)>
                                "Reject"
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
}
