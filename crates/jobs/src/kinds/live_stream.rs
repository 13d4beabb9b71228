//! Puts record changes on the live stream, so open boards, lists and dashboards of the
//! organization reload what changed.

use crate::{JobError, JobHandler, JobRun};
use kite_core::domain_events::EventBatch;
use kite_core::events::Envelope;
use kite_shared::domain_events::DomainEventKind;
use kite_shared::jobs::ServerEvent;
use serde_json::json;

pub struct PublishChanges;

#[async_trait::async_trait]
impl JobHandler for PublishChanges {
    fn kind(&self) -> &'static str {
        "events.publish"
    }

    fn subscribes_to(&self) -> &'static [DomainEventKind] {
        DomainEventKind::ALL
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let batch: EventBatch = run.payload()?;
        let events = run.kite.domain_events().load(&batch).await?;
        for event in &events {
            let Some(kind) = DomainEventKind::parse(&event.kind) else {
                continue;
            };
            let envelope = Envelope {
                organization_id: event.organization_id,
                user_id: None,
                event: ServerEvent::RecordChanged {
                    event_id: event.id,
                    event: kind,
                    entity_type: event.entity_type.clone(),
                    entity_id: event.entity_id,
                },
            };
            run.kite.events.publish(&run.kite.db, envelope).await;
        }
        Ok(json!({"published": events.len()}))
    }
}
