//! Keeps lead and deal scores current: a daily (and on demand) retraining that rescores
//! everything, and a rescoring of what each batch of changes made stale.

use crate::{JobError, JobHandler, JobRun};
use chrono::{DateTime, Utc};
use kite_core::domain_events::EventBatch;
use kite_core::jobs::JobPayload;
use kite_core::{CoreError, Kite};
use kite_insights::{Insights, RESCORED_ON, TrainPayload};
use kite_shared::domain_events::DomainEventKind;

pub struct TrainModels;

#[async_trait::async_trait]
impl JobHandler for TrainModels {
    fn kind(&self) -> &'static str {
        TrainPayload::KIND
    }

    fn tick_every(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(3600))
    }

    async fn tick(&self, kite: &Kite, now: DateTime<Utc>) -> Result<(), CoreError> {
        Insights::new(kite).queue_daily(now).await
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let payload: TrainPayload = run.payload()?;
        let trained = Insights::new(&run.kite).train(payload.organization_id).await?;
        serde_json::to_value(trained).map_err(|e| JobError::Fail(e.to_string()))
    }
}

/// Coalesced by the dispatcher: one run per batch of events, each record scored once.
pub struct RescoreChanged;

#[async_trait::async_trait]
impl JobHandler for RescoreChanged {
    fn kind(&self) -> &'static str {
        "insights.rescore"
    }

    fn subscribes_to(&self) -> &'static [DomainEventKind] {
        RESCORED_ON
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let batch: EventBatch = run.payload()?;
        let events = run.kite.domain_events().load(&batch).await?;
        let rescored = Insights::new(&run.kite).rescore_stale(&events).await?;
        serde_json::to_value(rescored).map_err(|e| JobError::Fail(e.to_string()))
    }
}
