//! The domain-event outbox. Every change to an organization's records writes an audit
//! row in its own transaction ([`crate::audit::record`]); the same call writes the
//! domain events the change announces, so a committed change always has its events and
//! a rolled-back one never does. A dispatcher then hands each pending event to the job
//! kinds that subscribe to it (one job per kind and batch of events), so subscribers run
//! through the durable job queue with its retries, on whichever instance is free.

use crate::jobs::NewJob;
use crate::{CoreError, Kite};
use chrono::Utc;
use kite_entity::domain_event;
use kite_shared::domain_events::DomainEventKind;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;
use uuid::Uuid;

/// Events handed out per dispatch transaction.
const DISPATCH_BATCH: u64 = 200;

/// What a subscribing job kind receives: the events to handle, oldest first.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventBatch {
    pub event_ids: Vec<Uuid>,
}

/// A job kind that runs for some kinds of domain event.
#[derive(Clone, Copy, Debug)]
pub struct Subscriber {
    pub job_kind: &'static str,
    pub events: &'static [DomainEventKind],
}

/// The events an audited action announces. Bulk actions audit as `record.*` and name
/// the record type separately; a deal whose status turned won or lost also announces
/// `deal.won` / `deal.lost`, whichever call moved it.
pub(crate) fn announced_by(
    action: &str,
    entity_type: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Vec<DomainEventKind> {
    let direct = match action.strip_prefix("record.") {
        Some("deleted") => DomainEventKind::parse(&format!("{entity_type}.deleted")),
        Some("owner_assigned" | "tag_added" | "tag_removed") => {
            DomainEventKind::parse(&format!("{entity_type}.updated"))
        }
        Some(_) => None,
        None => DomainEventKind::parse(action),
    };
    let mut kinds: Vec<DomainEventKind> = direct.into_iter().collect();
    if entity_type == "deal" {
        let status = |value: Option<&Value>| value.and_then(|v| v["status"].as_str().map(str::to_owned));
        let (was, now) = (status(before), status(after));
        if now.is_some() && was.is_some() && now != was {
            match now.as_deref() {
                Some("won") => kinds.push(DomainEventKind::DealWon),
                Some("lost") => kinds.push(DomainEventKind::DealLost),
                _ => {}
            }
        }
    }
    kinds
}

/// Writes one event in the caller's transaction.
pub(crate) async fn record(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    actor_user_id: Option<Uuid>,
    kind: DomainEventKind,
    entity_id: Option<Uuid>,
    payload: &Value,
) -> Result<(), CoreError> {
    domain_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization_id),
        kind: Set(kind.as_str().to_owned()),
        entity_type: Set(kind.entity_type().to_owned()),
        entity_id: Set(entity_id),
        actor_user_id: Set(actor_user_id),
        payload: Set(payload.to_string()),
        created_at: Set(Utc::now()),
        dispatched_at: Set(None),
    }
    .insert(conn)
    .await?;
    Ok(())
}

pub struct DomainEventService<'a> {
    kite: &'a Kite,
}

impl<'a> DomainEventService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Hands pending events to their subscribers: queues one job per subscribing kind
    /// for the batch and marks the events dispatched, in one transaction, so an event is
    /// handed out exactly once however many instances dispatch. Returns how many events
    /// were dispatched (0 when none was pending).
    pub async fn dispatch(&self, subscribers: &[Subscriber]) -> Result<u64, CoreError> {
        let pending = || {
            domain_event::Entity::find()
                .filter(domain_event::Column::DispatchedAt.is_null())
                .order_by_asc(domain_event::Column::Id)
        };
        // Most commits announce nothing: look before taking a write turn.
        if pending().one(&self.kite.db).await?.is_none() {
            return Ok(0);
        }
        let txn = self.kite.begin().await?;
        let mut select = pending().limit(DISPATCH_BATCH);
        if txn.get_database_backend() == DatabaseBackend::Postgres {
            QuerySelect::query(&mut select).lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let events = select.all(&*txn).await?;
        if events.is_empty() {
            return Ok(0);
        }
        let mut queued = false;
        for subscriber in subscribers {
            let wanted: HashSet<&str> = subscriber.events.iter().map(|k| k.as_str()).collect();
            let event_ids: Vec<Uuid> = events
                .iter()
                .filter(|e| wanted.contains(e.kind.as_str()))
                .map(|e| e.id)
                .collect();
            let Some(first) = event_ids.first().copied() else {
                continue;
            };
            // The payload type is the same for every subscriber; the kind says who runs it.
            let job = NewJob::new(subscriber.job_kind, EventBatch { event_ids })
                .idempotency_key(format!("{}:{first}", subscriber.job_kind));
            self.kite.queue().enqueue(&*txn, job).await?;
            queued = true;
        }
        let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
        domain_event::Entity::update_many()
            .col_expr(domain_event::Column::DispatchedAt, Expr::value(Some(Utc::now())))
            .filter(domain_event::Column::Id.is_in(ids))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        if queued {
            // Workers woken while the jobs were uncommitted found nothing; wake them again.
            self.kite.jobs_waiting.notify_waiters();
        }
        Ok(events.len() as u64)
    }

    /// The events of a batch, oldest first.
    pub async fn load(&self, batch: &EventBatch) -> Result<Vec<domain_event::Model>, CoreError> {
        Ok(domain_event::Entity::find()
            .filter(domain_event::Column::Id.is_in(batch.event_ids.iter().copied()))
            .order_by_asc(domain_event::Column::Id)
            .all(&self.kite.db)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_audited_change_announces_its_own_kind() {
        assert_eq!(
            announced_by("contact.updated", "contact", None, None),
            [DomainEventKind::ContactUpdated]
        );
        assert!(announced_by("auth.login", "user", None, None).is_empty());
        assert!(announced_by("pipeline.created", "pipeline", None, None).is_empty());
    }

    #[test]
    fn bulk_actions_announce_updates_and_deletions_of_their_record_type() {
        assert_eq!(
            announced_by("record.tag_added", "company", None, None),
            [DomainEventKind::CompanyUpdated]
        );
        assert_eq!(
            announced_by("record.deleted", "deal", None, None),
            [DomainEventKind::DealDeleted]
        );
    }

    #[test]
    fn a_deal_that_turns_won_or_lost_announces_it_too() {
        let open = json!({"status": "open"});
        assert_eq!(
            announced_by(
                "deal.stage_changed",
                "deal",
                Some(&open),
                Some(&json!({"status": "won"}))
            ),
            [DomainEventKind::DealStageChanged, DomainEventKind::DealWon]
        );
        assert_eq!(
            announced_by(
                "deal.stage_changed",
                "deal",
                Some(&open),
                Some(&json!({"status": "lost"}))
            ),
            [DomainEventKind::DealStageChanged, DomainEventKind::DealLost]
        );
        assert_eq!(
            announced_by("deal.updated", "deal", Some(&open), Some(&open)),
            [DomainEventKind::DealUpdated]
        );
    }
}
