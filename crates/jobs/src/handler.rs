//! What a kind of job implements, and what it gets to work with.

use chrono::{DateTime, Duration, Utc};
use kite_core::jobs::Heartbeat;
use kite_core::{CoreError, Kite};
use kite_entity::job;
use kite_shared::domain_events::DomainEventKind;
use kite_shared::jobs::JobProgress;
use serde::de::DeserializeOwned;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Progress is written at most this often; the rest only moves a counter in memory.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth another attempt after a backoff (a database hiccup, a mail server down).
    #[error("{0}")]
    Retry(String),
    /// Will fail again however often it is tried (bad payload, missing record).
    #[error("{0}")]
    Fail(String),
    #[error("cancelled")]
    Cancelled,
    /// Another worker took the job over; stop without writing anything more.
    #[error("the job's lease was lost")]
    Lost,
}

impl From<CoreError> for JobError {
    fn from(error: CoreError) -> Self {
        if error.is_transient() {
            JobError::Retry(error.to_string())
        } else {
            JobError::Fail(error.to_string())
        }
    }
}

#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + 'static {
    /// The `kind` of the jobs it runs.
    fn kind(&self) -> &'static str;
    /// Does the work; the value returned is stored as the job's result.
    async fn run(&self, run: &JobRun) -> Result<serde_json::Value, JobError>;

    /// The domain events this kind runs for: the dispatcher queues one job of this kind
    /// per batch of them, with an [`EventBatch`](kite_core::domain_events::EventBatch)
    /// as its payload.
    fn subscribes_to(&self) -> &'static [DomainEventKind] {
        &[]
    }

    /// How often this kind's [`tick`](Self::tick) runs, if it has clock-driven work.
    fn tick_every(&self) -> Option<std::time::Duration> {
        None
    }

    /// Clock-driven work (queue the runs that are due, remove what expired). Every
    /// instance ticks, so it must be idempotent.
    async fn tick(&self, _kite: &Kite, _now: DateTime<Utc>) -> Result<(), CoreError> {
        Ok(())
    }
}

/// One attempt at a job, as its handler sees it.
pub struct JobRun {
    pub kite: Kite,
    pub job: job::Model,
    pub(crate) worker: String,
    pub(crate) lease: Duration,
    pub(crate) cancel_requested: AtomicBool,
    pub(crate) lost: AtomicBool,
    last_write: Mutex<Option<Instant>>,
}

impl JobRun {
    pub(crate) fn new(kite: Kite, job: job::Model, worker: String, lease: Duration) -> Self {
        Self {
            kite,
            job,
            worker,
            lease,
            cancel_requested: AtomicBool::new(false),
            lost: AtomicBool::new(false),
            last_write: Mutex::new(None),
        }
    }

    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, JobError> {
        serde_json::from_str(&self.job.payload).map_err(|e| JobError::Fail(format!("unreadable job payload: {e}")))
    }

    /// Stops the handler when the job was cancelled or taken over.
    pub fn checkpoint(&self) -> Result<(), JobError> {
        if self.lost.load(Ordering::SeqCst) {
            Err(JobError::Lost)
        } else if self.cancel_requested.load(Ordering::SeqCst) {
            Err(JobError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Reports progress (written and announced at most every 250 ms, and always when
    /// `done` reaches `total`), then acts as a [`checkpoint`](Self::checkpoint).
    pub async fn progress(&self, done: u64, total: Option<u64>) -> Result<(), JobError> {
        let due = {
            let mut last = self
                .last_write
                .lock()
                .map_err(|_| JobError::Retry("progress lock poisoned".into()))?;
            let due = last.is_none_or(|at| at.elapsed() >= PROGRESS_EVERY) || Some(done) == total;
            if due {
                *last = Some(Instant::now());
            }
            due
        };
        if due {
            let beat = self
                .kite
                .queue()
                .heartbeat(&self.job, &self.worker, self.lease, Some(JobProgress { done, total }))
                .await?;
            self.note(beat);
        }
        self.checkpoint()
    }

    pub(crate) fn note(&self, beat: Heartbeat) {
        match beat {
            Heartbeat::Held => {}
            Heartbeat::CancelRequested => self.cancel_requested.store(true, Ordering::SeqCst),
            Heartbeat::Lost => self.lost.store(true, Ordering::SeqCst),
        }
    }
}
