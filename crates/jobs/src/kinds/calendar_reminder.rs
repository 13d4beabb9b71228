//! Reminds owners of their events and due tasks, once per reminder time.

use crate::{JobError, JobHandler, JobRun};
use chrono::{DateTime, Utc};
use kite_core::crm::calendar::reminders::RemindPayload;
use kite_core::jobs::JobPayload;
use kite_core::{CoreError, Kite};

pub struct RemindOwners;

#[async_trait::async_trait]
impl JobHandler for RemindOwners {
    fn kind(&self) -> &'static str {
        RemindPayload::KIND
    }

    /// Often enough that a reminder is at most half a minute late.
    fn tick_every(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(30))
    }

    async fn tick(&self, kite: &Kite, now: DateTime<Utc>) -> Result<(), CoreError> {
        kite.calendar().queue_reminders(now).await.map(drop)
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let payload: RemindPayload = run.payload()?;
        let reminded = run.kite.calendar().remind(&payload).await?;
        Ok(serde_json::json!({"reminded": reminded}))
    }
}
