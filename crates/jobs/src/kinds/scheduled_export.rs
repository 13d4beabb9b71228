//! Makes one run of a scheduled export: the file, the email, the run's record.

use crate::{JobError, JobHandler, JobRun};
use chrono::{DateTime, Utc};
use kite_core::jobs::JobPayload;
use kite_core::scheduled_exports::RunPayload;
use kite_core::{CoreError, Kite};

pub struct RunScheduledExport;

#[async_trait::async_trait]
impl JobHandler for RunScheduledExport {
    fn kind(&self) -> &'static str {
        RunPayload::KIND
    }

    fn tick_every(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(15))
    }

    /// Queues the runs that are due and removes run files past their keep.
    async fn tick(&self, kite: &Kite, now: DateTime<Utc>) -> Result<(), CoreError> {
        let exports = kite.scheduled_exports();
        // One failing must not stop the other.
        let queued = exports.queue_due(now).await;
        let removed = exports.remove_expired_files(now).await;
        queued?;
        removed?;
        Ok(())
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let payload: RunPayload = run.payload()?;
        let last_attempt = run.job.attempts >= run.job.max_attempts;
        match run
            .kite
            .scheduled_exports()
            .execute(run.job.id, &payload, last_attempt)
            .await
        {
            Ok(done) => Ok(serde_json::to_value(done).unwrap_or_default()),
            // Deleted since it was queued: nothing to send.
            Err(CoreError::NotFound(_)) => Ok(serde_json::json!({"skipped": "the scheduled export was deleted"})),
            Err(error) => Err(error.into()),
        }
    }
}
