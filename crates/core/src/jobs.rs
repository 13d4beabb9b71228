//! The durable job queue: one table for all background work.
//!
//! A worker claims a due job with a conditional update (on PostgreSQL inside
//! `FOR UPDATE SKIP LOCKED`, so instances never claim the same row), holding it for a
//! lease it keeps extending. A job whose lease ran out (its worker died) is claimed again.
//! Every later write of the worker is conditional on still holding the job, so a worker
//! that lost its lease cannot overwrite the work of the one that took over.

use crate::events::Envelope;
use crate::{CoreError, Ctx, Kite};
use chrono::{DateTime, Duration, Utc};
use kite_entity::job;
use kite_shared::Permission;
use kite_shared::jobs::{JobDto, JobProgress, JobStatus, ServerEvent};
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, ExprTrait, FromQueryResult, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::Serialize;
use uuid::Uuid;

pub const DEFAULT_MAX_ATTEMPTS: i32 = 5;

/// A kind of job's payload: a typed struct kept beside the code that queues it, naming
/// the kind that runs it, so the queueing side and the handler read the same type.
pub trait JobPayload: Serialize + serde::de::DeserializeOwned {
    const KIND: &'static str;
}

/// What to run.
pub struct NewJob {
    pub organization_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub kind: String,
    pub payload: serde_json::Value,
    /// The same key twice gives the first job back instead of a second one.
    pub idempotency_key: Option<String>,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
}

impl NewJob {
    pub fn new(kind: &str, payload: impl Serialize) -> Self {
        Self {
            organization_id: None,
            created_by: None,
            kind: kind.to_owned(),
            payload: serde_json::to_value(payload).unwrap_or_default(),
            idempotency_key: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            run_at: Utc::now(),
        }
    }

    /// A job of the payload's own kind.
    pub fn of<P: JobPayload>(payload: &P) -> Self {
        Self::new(P::KIND, payload)
    }

    /// The job belongs to the caller's organization, and its events go to the caller.
    pub fn for_ctx(mut self, ctx: &Ctx) -> Self {
        self.organization_id = Some(ctx.organization_id.into_uuid());
        self.created_by = Some(ctx.user_id.into_uuid());
        self
    }

    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    pub fn max_attempts(mut self, attempts: i32) -> Self {
        self.max_attempts = Ord::max(attempts, 1);
        self
    }

    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = at;
        self
    }
}

pub fn job_dto(row: &job::Model) -> JobDto {
    JobDto {
        id: row.id,
        kind: row.kind.clone(),
        status: JobStatus::parse(&row.status),
        progress: progress_of(row),
        attempts: row.attempts,
        result: row.result.as_deref().and_then(|r| serde_json::from_str(r).ok()),
        error: row.last_error.clone(),
        created_at: row.created_at,
        started_at: row.started_at,
        finished_at: row.finished_at,
    }
}

fn progress_of(row: &job::Model) -> JobProgress {
    JobProgress {
        done: u64::try_from(row.progress_done).unwrap_or(0),
        total: row.progress_total.and_then(|t| u64::try_from(t).ok()),
    }
}

/// Waiting time before retry `attempt` (1-based): 2 s, 4 s, 8 s … at most 10 minutes.
pub fn backoff(attempt: i32) -> Duration {
    let exponent = u32::try_from(attempt.clamp(1, 20) - 1).unwrap_or(0);
    Duration::seconds(Ord::min(2_i64.saturating_mul(2_i64.saturating_pow(exponent)), 600))
}

/// What a heartbeat learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heartbeat {
    /// Keep going.
    Held,
    /// Someone asked to cancel the job.
    CancelRequested,
    /// Another worker holds the job now (our lease ran out): stop at once.
    Lost,
}

/// The conditions under which the worker still holds the job.
fn held_by(id: Uuid, worker: &str) -> SimpleExpr {
    Expr::col(job::Column::Id)
        .eq(id)
        .and(Expr::col(job::Column::WorkerId).eq(worker))
        .and(Expr::col(job::Column::Status).eq(JobStatus::Running.as_str()))
}

/// The queue at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct QueueStats {
    /// Queued jobs whose time has come.
    pub due: u64,
    pub running: u64,
    /// How long the oldest due job has waited.
    pub oldest_due_seconds: f64,
}

pub struct JobQueue<'a> {
    kite: &'a Kite,
}

impl<'a> JobQueue<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Queues a job, or returns the one queued before under the same idempotency key.
    pub async fn enqueue(&self, conn: &impl ConnectionTrait, new: NewJob) -> Result<job::Model, CoreError> {
        let now = Utc::now();
        let id = Uuid::now_v7();
        let row = job::ActiveModel {
            id: Set(id),
            organization_id: Set(new.organization_id),
            kind: Set(new.kind),
            payload: Set(new.payload.to_string()),
            status: Set(JobStatus::Queued.as_str().to_owned()),
            attempts: Set(0),
            max_attempts: Set(new.max_attempts),
            run_at: Set(new.run_at),
            lease_until: Set(None),
            worker_id: Set(None),
            idempotency_key: Set(new.idempotency_key.clone()),
            progress_done: Set(0),
            progress_total: Set(None),
            result: Set(None),
            last_error: Set(None),
            cancel_requested: Set(false),
            created_by: Set(new.created_by),
            created_at: Set(now),
            updated_at: Set(now),
            started_at: Set(None),
            finished_at: Set(None),
        };
        job::Entity::insert(row)
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .exec_without_returning(conn)
            .await?;
        let select = match &new.idempotency_key {
            Some(key) => job::Entity::find().filter(job::Column::IdempotencyKey.eq(key.as_str())),
            None => job::Entity::find_by_id(id),
        };
        let job = select.one(conn).await?.ok_or(CoreError::NotFound("job"))?;
        self.kite.jobs_waiting.notify_waiters();
        Ok(job)
    }

    /// Takes the next due job of one of `kinds` for `worker`: first a job whose worker
    /// died (its lease ran out), then the oldest queued one.
    pub async fn claim(&self, worker: &str, kinds: &[&str], lease: Duration) -> Result<Option<job::Model>, CoreError> {
        if kinds.is_empty() {
            return Ok(None);
        }
        let now = Utc::now();
        let abandoned = Expr::col(job::Column::Status)
            .eq(JobStatus::Running.as_str())
            .and(Expr::col(job::Column::LeaseUntil).lt(now));
        let due = Expr::col(job::Column::Status)
            .eq(JobStatus::Queued.as_str())
            .and(Expr::col(job::Column::RunAt).lte(now));
        for condition in [abandoned, due] {
            let _turn = self.kite.claim_turn().await;
            let backend = self.kite.db.get_database_backend();
            let mut pick = Query::select();
            pick.column(job::Column::Id)
                .from(job::Entity)
                .and_where(condition)
                .and_where(Expr::col(job::Column::Kind).is_in(kinds.iter().copied()))
                .order_by(job::Column::RunAt, sea_orm::Order::Asc)
                .order_by(job::Column::Id, sea_orm::Order::Asc)
                .limit(1);
            if backend == DatabaseBackend::Postgres {
                pick.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
            }
            let update = Query::update()
                .table(job::Entity)
                .value(job::Column::Status, JobStatus::Running.as_str())
                .value(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
                .value(job::Column::WorkerId, worker)
                .value(job::Column::LeaseUntil, now + lease)
                .value(job::Column::StartedAt, Expr::col(job::Column::StartedAt).if_null(now))
                .value(job::Column::UpdatedAt, now)
                .and_where(Expr::col(job::Column::Id).in_subquery(pick))
                .returning_all()
                .to_owned();
            let claimed = job::Model::find_by_statement(backend.build(&update))
                .one(&self.kite.db)
                .await?;
            if let Some(claimed) = claimed {
                if claimed.attempts > claimed.max_attempts {
                    // Its workers kept dying: stop before it takes down another one.
                    self.fail(&claimed, worker, "the job was interrupted too many times", false)
                        .await?;
                    continue;
                }
                self.announce(&claimed).await;
                return Ok(Some(claimed));
            }
        }
        Ok(None)
    }

    /// How far behind the workers are, for monitoring.
    pub async fn stats(&self) -> Result<QueueStats, CoreError> {
        let now = Utc::now();
        let due = || {
            job::Entity::find()
                .filter(job::Column::Status.eq(JobStatus::Queued.as_str()))
                .filter(job::Column::RunAt.lte(now))
        };
        let oldest = due().order_by_asc(job::Column::RunAt).one(&self.kite.db).await?;
        Ok(QueueStats {
            due: due().count(&self.kite.db).await?,
            running: job::Entity::find()
                .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
                .count(&self.kite.db)
                .await?,
            oldest_due_seconds: oldest.map_or(0.0, |job| (now - job.run_at).as_seconds_f64()),
        })
    }

    /// Hands back the jobs a stopping process still runs (its workers are named
    /// `{process}-{n}`): their leases end now, so another instance claims them at once
    /// instead of after the lease, and the interrupted attempt is not counted.
    pub async fn release(&self, process: &str) -> Result<u64, CoreError> {
        let now = Utc::now();
        let released = job::Entity::update_many()
            .col_expr(job::Column::LeaseUntil, Expr::value(now - Duration::seconds(1)))
            // Claiming counted the attempt: a running job has at least one.
            .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).sub(1))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
            .filter(job::Column::WorkerId.starts_with(format!("{process}-")))
            .exec(&self.kite.db)
            .await?;
        Ok(released.rows_affected)
    }

    /// Extends the lease and records progress, if the worker still holds the job.
    pub async fn heartbeat(
        &self,
        job: &job::Model,
        worker: &str,
        lease: Duration,
        progress: Option<JobProgress>,
    ) -> Result<Heartbeat, CoreError> {
        let now = Utc::now();
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(held_by(job.id, worker));
        if let Some(progress) = progress {
            update = update
                .col_expr(
                    job::Column::ProgressDone,
                    Expr::value(i64::try_from(progress.done).unwrap_or(i64::MAX)),
                )
                .col_expr(
                    job::Column::ProgressTotal,
                    Expr::value(progress.total.and_then(|t| i64::try_from(t).ok())),
                );
        }
        if update.exec(&self.kite.db).await?.rows_affected == 0 {
            return Ok(Heartbeat::Lost);
        }
        if let Some(progress) = progress {
            self.publish(job, JobStatus::Running, progress).await;
        }
        let cancel = job::Entity::find_by_id(job.id)
            .one(&self.kite.db)
            .await?
            .is_some_and(|j| j.cancel_requested);
        Ok(if cancel {
            Heartbeat::CancelRequested
        } else {
            Heartbeat::Held
        })
    }

    /// Marks the job done with its result. False when the worker no longer held it.
    pub async fn succeed(&self, job: &job::Model, worker: &str, result: &serde_json::Value) -> Result<bool, CoreError> {
        self.finish(job, worker, JobStatus::Succeeded, Some(result.to_string()), None)
            .await
    }

    /// Marks the job cancelled at its worker's request.
    pub async fn cancelled(&self, job: &job::Model, worker: &str) -> Result<bool, CoreError> {
        self.finish(job, worker, JobStatus::Cancelled, None, None).await
    }

    /// Records a failed attempt: queued again after a backoff while attempts remain and
    /// the error is worth retrying, failed for good otherwise.
    pub async fn fail(&self, job: &job::Model, worker: &str, error: &str, retry: bool) -> Result<bool, CoreError> {
        let error: String = error.chars().take(2000).collect();
        if retry && job.attempts < job.max_attempts {
            let now = Utc::now();
            let requeued = job::Entity::update_many()
                .col_expr(job::Column::Status, Expr::value(JobStatus::Queued.as_str()))
                .col_expr(job::Column::RunAt, Expr::value(now + backoff(job.attempts)))
                .col_expr(job::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
                .col_expr(job::Column::WorkerId, Expr::value(Option::<String>::None))
                .col_expr(job::Column::LastError, Expr::value(error))
                .col_expr(job::Column::UpdatedAt, Expr::value(now))
                .filter(held_by(job.id, worker))
                .exec(&self.kite.db)
                .await?;
            if requeued.rows_affected == 1 {
                self.publish(job, JobStatus::Queued, progress_of(job)).await;
            }
            return Ok(requeued.rows_affected == 1);
        }
        self.finish(job, worker, JobStatus::Failed, None, Some(error)).await
    }

    async fn finish(
        &self,
        job: &job::Model,
        worker: &str,
        status: JobStatus,
        result: Option<String>,
        error: Option<String>,
    ) -> Result<bool, CoreError> {
        let now = Utc::now();
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(status.as_str()))
            .col_expr(job::Column::LeaseUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(job::Column::FinishedAt, Expr::value(now))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .col_expr(job::Column::Result, Expr::value(result))
            .filter(held_by(job.id, worker));
        if let Some(error) = error {
            update = update.col_expr(job::Column::LastError, Expr::value(error));
        }
        let done = update.exec(&self.kite.db).await?.rows_affected == 1;
        if done && let Some(row) = job::Entity::find_by_id(job.id).one(&self.kite.db).await? {
            self.publish(&row, status, progress_of(&row)).await;
        }
        Ok(done)
    }

    async fn announce(&self, job: &job::Model) {
        self.publish(job, JobStatus::Running, progress_of(job)).await;
    }

    async fn publish(&self, job: &job::Model, status: JobStatus, progress: JobProgress) {
        let Some(organization_id) = job.organization_id else {
            return;
        };
        let envelope = Envelope {
            organization_id,
            user_id: job.created_by,
            event: ServerEvent::JobProgress {
                job_id: job.id,
                job_kind: job.kind.clone(),
                status,
                progress,
            },
        };
        self.kite.events.publish(&self.kite.db, envelope).await;
    }
}

/// What the API offers on jobs: reading one, and cancelling it.
pub struct JobService<'a> {
    kite: &'a Kite,
}

impl<'a> JobService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    async fn find(&self, ctx: &Ctx, id: Uuid) -> Result<job::Model, CoreError> {
        job::Entity::find_by_id(id)
            .filter(job::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("job"))
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<JobDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        Ok(job_dto(&self.find(ctx, id).await?))
    }

    /// Cancels a queued job at once; a running one stops at its next checkpoint. The
    /// job's creator, managers and admins may cancel.
    pub async fn cancel(&self, ctx: &Ctx, id: Uuid) -> Result<JobDto, CoreError> {
        let row = self.find(ctx, id).await?;
        if row.created_by != Some(ctx.user_id.into_uuid()) {
            ctx.require(Permission::EditAllRecords)?;
        }
        let now = Utc::now();
        let queued = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(JobStatus::Cancelled.as_str()))
            .col_expr(job::Column::FinishedAt, Expr::value(now))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.eq(id))
            .filter(job::Column::Status.eq(JobStatus::Queued.as_str()))
            .exec(&self.kite.db)
            .await?;
        if queued.rows_affected == 0 {
            job::Entity::update_many()
                .col_expr(job::Column::CancelRequested, Expr::value(true))
                .col_expr(job::Column::UpdatedAt, Expr::value(now))
                .filter(job::Column::Id.eq(id))
                .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
                .exec(&self.kite.db)
                .await?;
        }
        let row = self.find(ctx, id).await?;
        if queued.rows_affected == 1 {
            JobQueue::new(self.kite)
                .publish(&row, JobStatus::Cancelled, progress_of(&row))
                .await;
        }
        Ok(job_dto(&row))
    }
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_ten_minutes() {
        assert_eq!(backoff(1).num_seconds(), 2);
        assert_eq!(backoff(2).num_seconds(), 4);
        assert_eq!(backoff(5).num_seconds(), 32);
        assert_eq!(backoff(30).num_seconds(), 600);
    }
}
