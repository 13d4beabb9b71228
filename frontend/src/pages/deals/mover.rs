//! Moves cards optimistically: the card lands at once, and if the server refuses (a rep
//! dragging someone else's deal, a stage that is gone) it goes back where it was.

use super::approval_dialog::ApprovalAsk;
use super::columns::{Column, put, stage_of, take};
use crate::api;
use crate::toast::Toasts;
use kite_shared::crm::deals::{DealCard, DealDto, MoveDealRequest};
use kite_shared::crm::pipelines::{StageDto, StageKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[derive(Clone, Copy)]
pub struct Mover {
    pub columns: RwSignal<Vec<Column>>,
    pub toasts: Toasts,
    /// Set when a move needs approval: the board opens the request dialog.
    pub approval: RwSignal<Option<ApprovalAsk>>,
    /// Moves sent and answered so far, each counted at both ends: a board read that saw
    /// this number change, or started while it was odd, may predate a move on screen.
    moves: StoredValue<u64>,
}

impl Mover {
    pub fn new(columns: RwSignal<Vec<Column>>, toasts: Toasts) -> Self {
        Self {
            columns,
            toasts,
            approval: RwSignal::new(None),
            moves: StoredValue::new(0),
        }
    }

    /// A mark to hand to [`settled_since`](Self::settled_since) before reading the board.
    pub fn mark(self) -> u64 {
        self.moves.get_value()
    }

    /// No move was in flight at `mark` nor started or answered since.
    pub fn settled_since(self, mark: u64) -> bool {
        mark.is_multiple_of(2) && self.moves.try_get_value() == Some(mark)
    }

    pub fn send(self, card: DealCard, to: StageDto, after: Option<Uuid>, lost_reason: Option<String>) {
        let (id, title) = (card.id, card.title.clone());
        let origin = self.columns.with_untracked(|columns| {
            let stage = stage_of(columns, id)?;
            let column = columns.iter().find(|c| c.stage.id == stage)?;
            let index = column.deals.iter().position(|d| d.id == id)?;
            Some((stage, index.checked_sub(1).map(|i| column.deals[i].id)))
        });
        self.columns.update(|columns| {
            if let Some(card) = take(columns, id) {
                put(columns, to.id, card, after);
            }
        });
        self.moves.update_value(|n| *n += 1);
        let moves = self.moves;
        let body = MoveDealRequest {
            stage_id: to.id,
            after_deal_id: after,
            lost_reason,
        };
        let (columns, toasts, approval) = (self.columns, self.toasts, self.approval);
        spawn_local(async move {
            let answer = api::post::<DealDto>(&format!("/deals/{id}/move"), &body).await;
            let _ = moves.try_update_value(|n| *n += 1);
            match answer {
                Ok(_) => toasts.success(match to.kind {
                    StageKind::Won => format!("{title} was won. 🎉"),
                    StageKind::Lost => format!("{title} was marked lost."),
                    StageKind::Open => format!("{title} moved to {}.", to.name),
                }),
                Err(error) => {
                    columns.update(|columns| {
                        take(columns, id);
                        if let Some((stage, above)) = origin {
                            put(columns, stage, card, above);
                        }
                    });
                    match ApprovalAsk::from_error(id, &title, &error) {
                        Some(ask) => approval.set(Some(ask)),
                        None => toasts.error(format!("{title} could not be moved: {}", error.message)),
                    }
                }
            }
        });
    }
}
