//! Runs the due steps of sequence enrollments, and queues them when due.

use crate::{JobError, JobHandler, JobRun};
use chrono::{DateTime, Utc};
use kite_core::jobs::JobPayload;
use kite_core::marketing::AdvanceEnrollment;
use kite_core::{CoreError, Kite};

pub struct AdvanceSequences;

#[async_trait::async_trait]
impl JobHandler for AdvanceSequences {
    fn kind(&self) -> &'static str {
        AdvanceEnrollment::KIND
    }

    fn tick_every(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(5))
    }

    async fn tick(&self, kite: &Kite, now: DateTime<Utc>) -> Result<(), CoreError> {
        kite.marketing().queue_due_steps(now).await.map(drop)
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let payload: AdvanceEnrollment = run.payload()?;
        run.checkpoint()?;
        let outcome = run.kite.marketing().advance_enrollment(&payload).await?;
        Ok(serde_json::to_value(outcome).unwrap_or_default())
    }
}
