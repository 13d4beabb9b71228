//! Webhooks: a fan-out job per batch of committed events queues one delivery job per
//! subscription that chose the event; each delivery job makes one guarded, signed
//! attempt and logs it (the log and the next attempt are kite-core's).

use crate::{JobError, JobHandler, JobRun};
use kite_core::domain_events::EventBatch;
use kite_core::integrations::DeliveryMessage;
use kite_core::jobs::JobPayload;
use kite_shared::domain_events::DomainEventKind;
use kite_shared::integrations::webhooks::SUBSCRIBABLE;
use kite_webhooks::Outgoing;
use serde_json::json;

pub struct FanOut;

#[async_trait::async_trait]
impl JobHandler for FanOut {
    fn kind(&self) -> &'static str {
        "webhooks.fan_out"
    }

    fn subscribes_to(&self) -> &'static [DomainEventKind] {
        SUBSCRIBABLE
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let batch: EventBatch = run.payload()?;
        let events = run.kite.domain_events().load(&batch).await?;
        let queued = run.kite.webhooks().fan_out(&events).await?;
        Ok(json!({"queued": queued}))
    }
}

pub struct Deliver;

#[async_trait::async_trait]
impl JobHandler for Deliver {
    fn kind(&self) -> &'static str {
        DeliveryMessage::KIND
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let message: DeliveryMessage = run.payload()?;
        let webhooks = run.kite.webhooks();
        let Some(subscription) = webhooks.target(&message).await? else {
            return Ok(json!({"skipped": "the subscription is paused or gone"}));
        };
        let settings = run.kite.settings.webhooks;
        let message_id = message.message_id.to_string();
        let outgoing = Outgoing {
            url: &subscription.url,
            secret: &subscription.secret,
            message_id: &message_id,
            timestamp: chrono::Utc::now().timestamp(),
            body: message.body.as_bytes(),
        };
        let attempt = kite_webhooks::deliver(&outgoing, settings.policy, settings.timeout).await;
        run.checkpoint()?;
        let outcome = webhooks.record_attempt(&message, &subscription, &attempt).await?;
        Ok(json!({"outcome": outcome.as_str(), "status": attempt.status, "attempt": message.attempt}))
    }
}
