//! Reminds the approvers of overdue approval steps, once per step.

use crate::{JobError, JobHandler, JobRun};
use chrono::{DateTime, Utc};
use kite_core::approvals::RemindPayload;
use kite_core::jobs::JobPayload;
use kite_core::{CoreError, Kite};

pub struct RemindApprovers;

#[async_trait::async_trait]
impl JobHandler for RemindApprovers {
    fn kind(&self) -> &'static str {
        RemindPayload::KIND
    }

    fn tick_every(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(60))
    }

    /// Queues a reminder for each step that became overdue.
    async fn tick(&self, kite: &Kite, now: DateTime<Utc>) -> Result<(), CoreError> {
        kite.approvals().queue_reminders(now).await.map(drop)
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let payload: RemindPayload = run.payload()?;
        let reminded = run.kite.approvals().remind(&payload).await?;
        Ok(serde_json::json!({"reminded": reminded}))
    }
}
