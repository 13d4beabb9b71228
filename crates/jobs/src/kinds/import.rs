//! Runs an import: the rows after those already committed, batch by batch, with
//! progress on the user's event stream.

use crate::{JobError, JobHandler, JobRun};
use kite_core::imports::{Checkpoint, Outcome, RunImportPayload};
use kite_core::jobs::JobPayload;
use kite_shared::imports::ImportStatus;
use std::sync::Mutex;

pub struct RunImport;

/// Passes the import's progress to the job and remembers why it had to stop.
struct Progress<'a> {
    run: &'a JobRun,
    stop: Mutex<Option<JobError>>,
}

#[async_trait::async_trait]
impl Checkpoint for Progress<'_> {
    async fn reached(&self, rows_done: u64, rows_total: Option<u64>) -> bool {
        match self.run.progress(rows_done, rows_total).await {
            Ok(()) => true,
            Err(error) => {
                if let Ok(mut stop) = self.stop.lock() {
                    *stop = Some(error);
                }
                false
            }
        }
    }
}

#[async_trait::async_trait]
impl JobHandler for RunImport {
    fn kind(&self) -> &'static str {
        RunImportPayload::KIND
    }

    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError> {
        let payload: RunImportPayload = run.payload()?;
        let imports = run.kite.imports();
        let progress = Progress {
            run,
            stop: Mutex::new(None),
        };
        let outcome = imports.execute(payload.import_id, &progress).await;
        match outcome {
            Ok(Outcome::Finished(counts)) => Ok(serde_json::to_value(counts).unwrap_or_default()),
            Ok(Outcome::Stopped) => {
                let reason = progress
                    .stop
                    .lock()
                    .ok()
                    .and_then(|mut s| s.take())
                    .unwrap_or(JobError::Cancelled);
                if matches!(reason, JobError::Cancelled) {
                    imports.stopped(payload.import_id, ImportStatus::Cancelled).await?;
                }
                Err(reason)
            }
            Err(error) => {
                let error = JobError::from(error);
                if matches!(error, JobError::Fail(_)) || run.job.attempts >= run.job.max_attempts {
                    imports.stopped(payload.import_id, ImportStatus::Failed).await?;
                }
                Err(error)
            }
        }
    }
}
