//! "Merge with…" on a record's page: find the other record by searching, then merge the
//! two in the same dialog the duplicates page uses.

use super::MergeKind;
use super::dialog::MergeForm;
use super::record::MergeRecord;
use crate::api::{self, ApiError};
use crate::components::{Modal, SkeletonRows};
use crate::team::Team;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::page::Page;
use leptos::prelude::*;
use leptos_icons::Icon;
use leptos_use_signal_debounce_throttle::signal_debounced;
use uuid::Uuid;

#[component]
pub fn MergeWith(
    kind: MergeKind,
    id: Uuid,
    #[prop(into)] name: String,
    team: Team,
    /// Told the survivor's id, so the page can show the merged record when it stays.
    on_merged: Callback<Uuid>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let other = RwSignal::new(None::<Uuid>);
    let start = move |_| {
        other.set(None);
        open.set(true);
    };
    view! {
        <button class="btn btn-secondary" data-testid="merge-with" on:click=start>
            <Icon icon=icondata::LuMerge />
            "Merge with…"
        </button>
        <Modal open=open title=format!("Merge {name} with…") wide=true>
            {move || match other.get() {
                None => {
                    view! {
                        <RecordPicker kind=kind exclude=id open=open on_pick=Callback::new(move |o| other.set(Some(o))) />
                    }
                        .into_any()
                }
                Some(o) => {
                    view! {
                        <MergeForm
                            open=open
                            kind=kind
                            a=id
                            b=o
                            team=team
                            back=Callback::new(move |_| other.set(None))
                            on_merged=on_merged
                        />
                    }
                        .into_any()
                }
            }}
        </Modal>
    }
}

async fn search(kind: MergeKind, q: String) -> Result<Vec<MergeRecord>, ApiError> {
    let path = format!(
        "/{}{}",
        kind.plural(),
        api::query(&[
            ("q", Some(q)),
            ("per_page", Some("8".into())),
            ("total", Some("false".into()))
        ])
    );
    Ok(match kind {
        MergeKind::Contact => api::get::<Page<ContactDto>>(&path)
            .await?
            .items
            .into_iter()
            .map(MergeRecord::Contact)
            .collect(),
        MergeKind::Company => api::get::<Page<CompanyDto>>(&path)
            .await?
            .items
            .into_iter()
            .map(MergeRecord::Company)
            .collect(),
    })
}

#[component]
fn RecordPicker(kind: MergeKind, exclude: Uuid, open: RwSignal<bool>, on_pick: Callback<Uuid>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let q: Signal<String> = signal_debounced(typed, 250.0);
    let found = LocalResource::new(move || {
        let q = q.get().trim().to_owned();
        async move {
            if q.is_empty() {
                return Ok(None);
            }
            search(kind, q).await.map(Some)
        }
    });
    let placeholder = match kind {
        MergeKind::Contact => "Search by name, email or phone",
        MergeKind::Company => "Search by name or domain",
    };
    view! {
        <div class="merge-picker" data-testid="merge-picker">
            <p class="modal-text">
                {format!("Find the other {} to merge with this one. You choose which one stays next.", kind.noun())}
            </p>
            <div class="search">
                <Icon icon=icondata::LuSearch />
                <input
                    type="search"
                    autofocus=true
                    placeholder=placeholder
                    aria-label=format!("Search {}", kind.plural())
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
            </div>
            <Transition fallback=|| view! { <SkeletonRows rows=3 /> }>
                {move || {
                    found
                        .get()
                        .map(|result| match result {
                            Ok(None) => ().into_any(),
                            Ok(Some(list)) => {
                                let list: Vec<MergeRecord> = list.into_iter().filter(|r| r.id() != exclude).collect();
                                if list.is_empty() {
                                    return view! { <p class="muted">{format!("No other {} matches.", kind.noun())}</p> }
                                        .into_any();
                                }
                                view! {
                                    <ul class="picker-list">
                                        {list
                                            .into_iter()
                                            .map(|record| {
                                                let id = record.id();
                                                view! {
                                                    <li>
                                                        <button type="button" class="picker-option" on:click=move |_| on_pick.run(id)>
                                                            <span class="picker-name">{record.name()}</span>
                                                            <span class="muted small">{record.detail()}</span>
                                                        </button>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-alert" role="alert">{e.message}</p> }.into_any(),
                        })
                }}
            </Transition>
            <div class="modal-actions">
                <button type="button" class="btn btn-ghost" on:click=move |_| open.set(false)>"Cancel"</button>
            </div>
        </div>
    }
}
