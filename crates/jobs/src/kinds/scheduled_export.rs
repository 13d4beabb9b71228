//! Makes one run of a scheduled export: the file, the email, the run's record.

use crate::{JobError, JobHandler, JobRun};
use kite_core::CoreError;
use kite_core::scheduled_exports::{RUN_SCHEDULED_EXPORT, RunPayload};

pub struct RunScheduledExport;

#[async_trait::async_trait]
impl JobHandler for RunScheduledExport {
    fn kind(&self) -> &'static str {
        RUN_SCHEDULED_EXPORT
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
