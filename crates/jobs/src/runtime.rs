//! The worker pool: claims, heartbeats, outcomes, and a graceful stop.

use crate::handler::{JobError, JobHandler, JobRun};
use chrono::Duration;
use futures_util::FutureExt;
use kite_core::Kite;
use kite_core::domain_events::Subscriber;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::watch;
use tokio::task::JoinSet;

#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Jobs run at once by this process.
    pub workers: usize,
    /// How long a claimed job stays ours without a heartbeat; a dead worker's jobs are
    /// taken over after this.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs queued by other processes (jobs
    /// queued in this process wake it at once).
    pub poll: std::time::Duration,
    /// How often the clock looks whether a kind's tick is due (each kind says how often
    /// it ticks: [`JobHandler::tick_every`]).
    pub tick: std::time::Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            lease: Duration::seconds(30),
            poll: std::time::Duration::from_secs(1),
            tick: std::time::Duration::from_secs(1),
        }
    }
}

pub struct Workers {
    kite: Kite,
    /// Prefix of this pool's worker names.
    process: String,
    stop: watch::Sender<bool>,
    tasks: JoinSet<()>,
}

impl Workers {
    pub fn start(kite: Kite, handlers: Vec<Arc<dyn JobHandler>>, config: WorkerConfig) -> Workers {
        // Every instance hands events to the same subscribers, whatever kinds it runs
        // itself: the list comes from the registry, not from this pool's handlers.
        let subscribers = crate::kinds::subscribers();
        let ticking: Vec<Arc<dyn JobHandler>> = handlers.iter().filter(|h| h.tick_every().is_some()).cloned().collect();
        let handlers: Arc<HashMap<&'static str, Arc<dyn JobHandler>>> =
            Arc::new(handlers.into_iter().map(|h| (h.kind(), h)).collect());
        let (stop, stopped) = watch::channel(false);
        let mut tasks = JoinSet::new();
        // The pid tells an operator which process holds a job; the random part keeps
        // names apart across hosts and restarts.
        let process = format!(
            "{}.{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        for n in 0..config.workers.max(1) {
            let worker = format!("{process}-{n}");
            tasks.spawn(work(
                kite.clone(),
                handlers.clone(),
                config.clone(),
                worker,
                stopped.clone(),
            ));
        }
        tasks.spawn(clock(kite.clone(), ticking, config.tick, stopped.clone()));
        tasks.spawn(dispatch(kite.clone(), subscribers, config.poll, stopped));
        Workers {
            kite,
            process,
            stop,
            tasks,
        }
    }

    /// Stops claiming, lets running jobs finish for up to `grace`, then stops them and
    /// releases their leases, so another process takes them over at once.
    pub async fn shutdown(mut self, grace: std::time::Duration) {
        let _ = self.stop.send(true);
        let finished = tokio::time::timeout(grace, async { while self.tasks.join_next().await.is_some() {} }).await;
        if finished.is_err() {
            self.tasks.abort_all();
            while self.tasks.join_next().await.is_some() {}
            match self.kite.queue().release(&self.process).await {
                Ok(released) => tracing::warn!(released, "jobs still running at shutdown were handed to other workers"),
                Err(error) => tracing::warn!(%error, "jobs still running at shutdown wait for their leases to end"),
            }
        }
    }
}

async fn work(
    kite: Kite,
    handlers: Arc<HashMap<&'static str, Arc<dyn JobHandler>>>,
    config: WorkerConfig,
    worker: String,
    mut stopped: watch::Receiver<bool>,
) {
    let kinds: Vec<&str> = handlers.keys().copied().collect();
    while !*stopped.borrow() {
        match kite.queue().claim(&worker, &kinds, config.lease).await {
            Ok(Some(job)) => {
                if let Some(handler) = handlers.get(job.kind.as_str()) {
                    run_one(
                        &kite,
                        handler.as_ref(),
                        JobRun::new(kite.clone(), job, worker.clone(), config.lease),
                    )
                    .await;
                }
            }
            Ok(None) => {
                tokio::select! {
                    _ = kite.jobs_waiting.notified() => {}
                    _ = tokio::time::sleep(config.poll) => {}
                    _ = stopped.changed() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "could not claim a job");
                tokio::time::sleep(config.poll).await;
            }
        }
    }
}

/// Runs each kind's clock-driven work when it is due. Every process ticks; the kinds'
/// ticks are idempotent (a due scheduled export is queued once, by idempotency key).
async fn clock(
    kite: Kite,
    ticking: Vec<Arc<dyn JobHandler>>,
    resolution: std::time::Duration,
    mut stopped: watch::Receiver<bool>,
) {
    let mut last: HashMap<&'static str, Instant> = HashMap::new();
    while !*stopped.borrow() {
        for handler in &ticking {
            let every = handler.tick_every().unwrap_or(resolution);
            if last.get(handler.kind()).is_some_and(|at| at.elapsed() < every) {
                continue;
            }
            last.insert(handler.kind(), Instant::now());
            if let Err(error) = handler.tick(&kite, chrono::Utc::now()).await {
                tracing::warn!(%error, kind = handler.kind(), "tick failed");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(resolution) => {}
            _ = stopped.changed() => {}
        }
    }
}

/// Hands new domain events to the kinds that subscribe to them: at once after a commit
/// in this process, and every `poll` for events other instances wrote.
async fn dispatch(
    kite: Kite,
    subscribers: Vec<Subscriber>,
    poll: std::time::Duration,
    mut stopped: watch::Receiver<bool>,
) {
    while !*stopped.borrow() {
        match kite.domain_events().dispatch(&subscribers).await {
            // A full batch may have more behind it.
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not dispatch domain events"),
        }
        tokio::select! {
            _ = kite.events_waiting.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = stopped.changed() => {}
        }
    }
}

async fn run_one(kite: &Kite, handler: &dyn JobHandler, run: JobRun) {
    let queue = kite.queue();
    let job = run.job.clone();
    let worker = run.worker.clone();
    if job.cancel_requested {
        if let Err(error) = queue.cancelled(&job, &worker).await {
            tracing::warn!(%error, job = %job.id, "could not record a cancellation");
        }
        return;
    }
    let beat_every = (run.lease / 3).to_std().unwrap_or(std::time::Duration::from_secs(10));
    let heartbeat = async {
        loop {
            tokio::time::sleep(beat_every).await;
            match queue.heartbeat(&job, &worker, run.lease, None).await {
                Ok(beat) => {
                    run.note(beat);
                    if run.checkpoint().is_err_and(|e| matches!(e, JobError::Lost)) {
                        return;
                    }
                }
                Err(error) => tracing::warn!(%error, job = %job.id, "heartbeat failed"),
            }
        }
    };
    // A job taken over by another worker is dropped at once; everything else finishes
    // with the handler's own answer.
    let outcome = tokio::select! {
        outcome = AssertUnwindSafe(handler.run(&run)).catch_unwind() => outcome,
        () = heartbeat => Ok(Err(JobError::Lost)),
    };
    let recorded = match outcome {
        Ok(Ok(result)) => queue.succeed(&job, &worker, &result).await,
        Ok(Err(JobError::Cancelled)) => queue.cancelled(&job, &worker).await,
        Ok(Err(JobError::Lost)) => {
            tracing::warn!(job = %job.id, "another worker took the job over");
            return;
        }
        Ok(Err(JobError::Retry(error))) => queue.fail(&job, &worker, &error, true).await,
        Ok(Err(JobError::Fail(error))) => queue.fail(&job, &worker, &error, false).await,
        Err(_) => queue.fail(&job, &worker, "the job crashed", true).await,
    };
    match recorded {
        Ok(true) => {}
        Ok(false) => tracing::warn!(job = %job.id, "the job's outcome was not recorded: another worker holds it"),
        Err(error) => tracing::warn!(%error, job = %job.id, "could not record the job's outcome"),
    }
}
