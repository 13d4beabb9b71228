//! Sends a campaign one batch at a time, and starts scheduled campaigns when due.

use crate::{JobError, JobHandler, JobRun};
use chrono::{DateTime, Utc};
use kite_core::jobs::JobPayload;
use kite_core::marketing::SendBatch;
use kite_core::{CoreError, Kite};

pub struct SendCampaignBatch;

#[async_trait::async_trait]
impl JobHandler for SendCampaignBatch {
    fn kind(&self) -> &'static str {
        SendBatch::KIND
    }

    fn tick_every(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(5))
    }

    async fn tick(&self, kite: &Kite, now: DateTime<Utc>) -> Result<(), CoreError> {
        kite.marketing().start_due(now).await.map(drop)
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let payload: SendBatch = run.payload()?;
        run.checkpoint()?;
        let outcome = run.kite.marketing().send_batch(&payload).await?;
        Ok(serde_json::to_value(outcome).unwrap_or_default())
    }
}
