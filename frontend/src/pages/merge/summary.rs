//! What a merge carries over from the record that goes, counted from the list APIs, so
//! nobody is surprised by where a deal or a task went.

use super::MergeKind;
use crate::api::{self, ApiError};
use kite_shared::page::Page;
use leptos::prelude::*;
use serde::de::IgnoredAny;
use uuid::Uuid;

#[derive(Clone, Debug, Default, PartialEq)]
struct Moves {
    contacts: u64,
    /// `None` for a contact: deals cannot be listed by contact, so they are not counted.
    deals: Option<u64>,
    activities: u64,
    notes: u64,
}

/// Only the list's total is needed, so one row is asked for and none is decoded.
async fn total(path: String) -> Result<u64, ApiError> {
    api::get::<Page<IgnoredAny>>(&path)
        .await
        .map(|p| p.total.unwrap_or(p.items.len() as u64))
}

async fn count_moves(kind: MergeKind, id: Uuid) -> Result<Moves, ApiError> {
    let notes = total(format!("/{}/{id}/notes?per_page=1", kind.plural()));
    match kind {
        MergeKind::Contact => {
            let (activities, notes) =
                futures::try_join!(total(format!("/activities?contact_id={id}&per_page=1")), notes)?;
            Ok(Moves {
                activities,
                notes,
                ..Moves::default()
            })
        }
        MergeKind::Company => {
            let (contacts, deals, activities, notes) = futures::try_join!(
                total(format!("/contacts?company_id={id}&per_page=1")),
                total(format!("/deals?company_id={id}&per_page=1")),
                total(format!("/activities?company_id={id}&per_page=1")),
                notes
            )?;
            Ok(Moves {
                contacts,
                deals: Some(deals),
                activities,
                notes,
            })
        }
    }
}

fn counted(n: u64, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

/// "3 deals, 2 activities, 1 note and its tags and timeline move to …".
fn sentence(kind: MergeKind, moves: &Moves, survivor: &str) -> String {
    let mut parts: Vec<String> = [
        counted(moves.contacts, "contact", "contacts"),
        moves.deals.and_then(|d| counted(d, "deal", "deals")),
        counted(moves.activities, "activity", "activities"),
        counted(moves.notes, "note", "notes"),
    ]
    .into_iter()
    .flatten()
    .collect();
    parts.push(match kind {
        MergeKind::Contact => "its deals, tags and timeline".to_owned(),
        MergeKind::Company => "its tags and timeline".to_owned(),
    });
    let last = parts.pop().unwrap_or_default();
    let list = if parts.is_empty() {
        last
    } else {
        format!("{} and {last}", parts.join(", "))
    };
    let mut first = list.chars();
    let list = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect::<String>())
        .unwrap_or_default();
    format!("{list} move to {survivor}.")
}

#[component]
pub fn MoveSummary(
    kind: MergeKind,
    #[prop(into)] merged_id: Signal<Uuid>,
    #[prop(into)] merged_label: Signal<String>,
    #[prop(into)] survivor_label: Signal<String>,
) -> impl IntoView {
    let moves = LocalResource::new(move || {
        let id = merged_id.get();
        async move { count_moves(kind, id).await }
    });
    view! {
        <div class="merge-summary" data-testid="merge-summary">
            // Its own boundary: choosing the other survivor recounts here and nowhere else.
            <Transition fallback=|| view! { <p>"Counting what moves…"</p> }>
                <p>
                    {move || {
                        moves
                            .get()
                            .map(|counted| match counted {
                                Ok(m) => sentence(kind, &m, &survivor_label.get()),
                                Err(e) => e.message,
                            })
                    }}
                </p>
            </Transition>
            {(kind == MergeKind::Contact)
                .then(|| {
                    view! { <p class="muted small">"The email and phone you do not keep stay on the record as extra ones."</p> }
                })}
            <p class="muted small">
                {move || format!("{} then goes to the trash, where an admin can restore it.", merged_label.get())}
            </p>
        </div>
    }
}
