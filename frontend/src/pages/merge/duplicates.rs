//! The pairs of records Kite thinks are one, each with the way to merge it.

use super::{MergeDialog, MergeKind};
use crate::api;
use crate::components::{EmptyState, SkeletonRows};
use crate::format::date;
use crate::session::use_session;
use crate::team::Team;
use kite_shared::Permission;
use kite_shared::crm::merge::{DuplicatePair, DuplicateRecord};
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_router::components::A;
use uuid::Uuid;

/// "Find duplicates" in a list page's header, for those who may merge.
#[component]
pub fn FindDuplicates(kind: MergeKind) -> impl IntoView {
    let session = use_session();
    move || {
        session.can(Permission::DeleteRecords).then(|| {
            view! {
                <A href=format!("/{}/duplicates", kind.plural()) attr:class="btn btn-secondary" attr:data-testid="find-duplicates">
                    <Icon icon=icondata::LuCopy />
                    "Find duplicates"
                </A>
            }
        })
    }
}

#[component]
pub fn DuplicatesPage(kind: MergeKind) -> impl IntoView {
    let session = use_session();
    let (title, text) = match kind {
        MergeKind::Contact => (
            "Duplicate contacts",
            "People entered twice: the same email, or the same name at the same company.",
        ),
        MergeKind::Company => (
            "Duplicate companies",
            "Organizations entered twice: the same domain or the same name.",
        ),
    };
    view! {
        <div class="page">
            <A href=format!("/{}", kind.plural()) attr:class="back-link">
                <Icon icon=icondata::LuArrowLeft />
                {kind.title()}
            </A>
            <header class="page-header">
                <div>
                    <h1>{title}</h1>
                    <p class="muted">{text}</p>
                </div>
            </header>
            {move || {
                if session.can(Permission::DeleteRecords) {
                    view! { <DuplicateList kind=kind /> }.into_any()
                } else {
                    view! {
                        <EmptyState
                            icon=icondata::LuLock
                            title="Managers and admins merge records"
                            text="Ask one of them to merge records that are entered twice."
                        />
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

#[component]
fn DuplicateList(kind: MergeKind) -> impl IntoView {
    let team = Team::load();
    let pairs = LocalResource::new(move || async move {
        api::get::<Vec<DuplicatePair>>(&format!("/{}/duplicates", kind.plural())).await
    });
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(None::<(Uuid, Uuid)>);
    let review = Callback::new(move |pair: (Uuid, Uuid)| {
        chosen.set(Some(pair));
        open.set(true);
    });
    view! {
        <section class="card" data-testid="duplicates">
            <h2 class="card-title">
                <Icon icon=icondata::LuCopy />
                "Suggested pairs"
                {move || pairs.get().and_then(|r| r.ok()).map(|p| view! { <span class="badge">{p.len()}</span> })}
            </h2>
            <Transition fallback=|| view! { <SkeletonRows rows=4 /> }>
                {move || {
                    pairs
                        .get()
                        .map(|result| match result {
                            Ok(list) if list.is_empty() => {
                                view! {
                                    <EmptyState
                                        icon=icondata::LuCircleCheck
                                        title="No duplicates found"
                                        text=format!(
                                            "Kite found no {} that look entered twice. It checks again each time you open this page.",
                                            kind.plural(),
                                        )
                                    />
                                }
                                    .into_any()
                            }
                            Ok(list) => {
                                view! {
                                    <ul class="duplicate-list">
                                        {list
                                            .into_iter()
                                            .map(|pair| view! { <PairItem kind=kind pair=pair review=review /> })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
        </section>
        <MergeDialog open=open kind=kind pair=chosen team=team />
    }
}

#[component]
fn PairItem(kind: MergeKind, pair: DuplicatePair, review: Callback<(Uuid, Uuid)>) -> impl IntoView {
    let ids = (pair.first.id, pair.second.id);
    view! {
        <li class="duplicate" data-testid="duplicate-pair">
            <span class="badge badge-warning duplicate-reason">{pair.reason.label()}</span>
            <div class="duplicate-records">
                <PairSide kind=kind record=pair.first />
                <span class="duplicate-and" aria-hidden="true">
                    <Icon icon=icondata::LuArrowLeftRight />
                </span>
                <PairSide kind=kind record=pair.second />
            </div>
            <button type="button" class="btn btn-secondary btn-small" on:click=move |_| review.run(ids)>
                "Review & merge"
            </button>
        </li>
    }
}

#[component]
fn PairSide(kind: MergeKind, record: DuplicateRecord) -> impl IntoView {
    let line = [
        record.detail.filter(|d| !d.trim().is_empty()),
        Some(format!("created {}", date(&record.created_at))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <div class="duplicate-side">
            <A href=format!("/{}/{}", kind.plural(), record.id)>{record.name}</A>
            <div class="muted small">{line}</div>
        </div>
    }
}
