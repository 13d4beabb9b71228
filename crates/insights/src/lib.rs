//! Lead and deal scores learnt from each organization's own won and lost deals.
//!
//! Training reads the organization's history in bulk ([`load`]), rebuilds every closed
//! deal (and every contact on one) as it was the second before it closed
//! ([`history`]), and fits a logistic regression on those rows ([`learn`]), measured on
//! a held-out fifth. Below [`MIN_CLOSED_FOR_MODEL`] closed deals, or too few of either
//! outcome, published rules score instead ([`rules`]). Either way each score carries its
//! strongest reasons in plain words ([`explain`]) and is stored on the record, so lists
//! sort and filter by it through an index.

mod changes;
mod explain;
mod facts;
mod features;
mod history;
mod learn;
mod load;
mod model;
mod rules;
mod store;
pub mod suggestions;

use chrono::{DateTime, Utc};
use history::History;
use kite_core::jobs::{JobPayload, NewJob, job_dto};
use kite_core::{CoreError, Ctx, Kite};
use kite_entity::{domain_event, job, score_model};
use kite_shared::Permission;
use kite_shared::insights::{ModelMetrics, RecordScore, ScoreMethod, ScoreModelDto, ScoreModels, ScoreSubject};
use kite_shared::jobs::{JobDto, JobStatus};
use load::Only;
use model::Parameters;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::time::Instant;
use store::Scored;
use uuid::Uuid;

/// Retrains one organization's models and rescores all its records.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainPayload {
    pub organization_id: Uuid,
}

impl JobPayload for TrainPayload {
    const KIND: &'static str = "insights.train";
}

/// What a training did, per subject: the job's result.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Trained {
    pub subject: ScoreSubject,
    pub version: i32,
    pub method: ScoreMethod,
    pub rows: u32,
    pub scored: u32,
    pub training_ms: u64,
}

/// What a rescoring did.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Rescored {
    pub contacts: u32,
    pub deals: u32,
    /// No model existed yet, so a training was queued instead.
    pub training_queued: bool,
}

pub use changes::RESCORED_ON;

/// Models are retrained once they are this old (and on demand).
const RETRAIN_AFTER_HOURS: i64 = 24;

pub struct Insights<'a> {
    kite: &'a Kite,
}

fn dto(row: &score_model::Model) -> ScoreModelDto {
    let parameters: Option<Parameters> = serde_json::from_str(&row.parameters).ok();
    ScoreModelDto {
        id: row.id,
        subject: ScoreSubject::parse(&row.subject).unwrap_or(ScoreSubject::Contact),
        version: row.version,
        method: ScoreMethod::parse(&row.method).unwrap_or(ScoreMethod::Rules),
        note: row.note.clone(),
        trained_at: row.trained_at,
        rows: row.rows_used.max(0) as u32,
        won: row.won.max(0) as u32,
        lost: row.lost.max(0) as u32,
        metrics: row
            .metrics
            .as_deref()
            .and_then(|m| serde_json::from_str::<ModelMetrics>(m).ok()),
        weights: parameters.map(|p| p.weights()).unwrap_or_default(),
        scored: row.scored.max(0) as u32,
        training_ms: row.training_ms.max(0) as u64,
    }
}

/// A model in use, read back for scoring.
struct InUse {
    parameters: Parameters,
    method: ScoreMethod,
    version: i32,
}

impl InUse {
    fn of(row: &score_model::Model) -> Result<InUse, CoreError> {
        Ok(InUse {
            parameters: serde_json::from_str(&row.parameters)
                .map_err(|e| CoreError::Internal(format!("stored scoring model is unreadable: {e}")))?,
            method: ScoreMethod::parse(&row.method).unwrap_or(ScoreMethod::Rules),
            version: row.version,
        })
    }

    fn score(&self, facts: &facts::Facts, at: DateTime<Utc>) -> Scored {
        let (value, factors) = self.parameters.score(facts);
        Scored {
            id: facts.id,
            score: RecordScore {
                value,
                method: self.method,
                model_version: (self.method == ScoreMethod::Model).then_some(self.version),
                factors,
                scored_at: at,
            },
        }
    }
}

/// Scores the history's contacts (those in `contacts`, or all) and open deals.
fn score_history(
    history: &History,
    models: (&InUse, &InUse),
    only: Option<(&HashSet<Uuid>, &HashSet<Uuid>)>,
    at: DateTime<Utc>,
) -> (Vec<Scored>, Vec<Scored>) {
    let (contact_model, deal_model) = models;
    let contacts = history
        .contacts
        .keys()
        .filter(|id| only.is_none_or(|(contacts, _)| contacts.contains(id)))
        .filter_map(|id| history.contact_facts(*id, at))
        .map(|facts| contact_model.score(&facts, at))
        .collect();
    let norms = &deal_model.parameters.norms;
    let deals = history
        .deals
        .iter()
        .filter(|deal| deal.won.is_none())
        .filter(|deal| only.is_none_or(|(_, deals)| deals.contains(&deal.id)))
        .map(|deal| deal_model.score(&history.deal_facts(deal, at, norms, None), at))
        .collect();
    (contacts, deals)
}

impl<'a> Insights<'a> {
    pub fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The models in use, and the training under way if there is one.
    pub async fn models(&self, ctx: &Ctx) -> Result<ScoreModels, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let org = ctx.organization_id.into_uuid();
        let mut models = Vec::new();
        for subject in ScoreSubject::ALL {
            if let Some(row) = store::current(self.kite, org, *subject).await? {
                models.push(dto(&row));
            }
        }
        Ok(ScoreModels {
            models,
            training_job: self.training_under_way(org).await?.map(|job| job.id),
        })
    }

    async fn training_under_way(&self, org: Uuid) -> Result<Option<job::Model>, CoreError> {
        Ok(job::Entity::find()
            .filter(job::Column::OrganizationId.eq(org))
            .filter(job::Column::Kind.eq(TrainPayload::KIND))
            .filter(job::Column::Status.is_in([JobStatus::Queued.as_str(), JobStatus::Running.as_str()]))
            .order_by_desc(job::Column::CreatedAt)
            .one(&self.kite.db)
            .await?)
    }

    /// Queues a retraining (the one under way, if there is one).
    pub async fn queue_training(&self, ctx: &Ctx) -> Result<JobDto, CoreError> {
        ctx.require(Permission::TrainModels)?;
        let org = ctx.organization_id.into_uuid();
        if let Some(job) = self.training_under_way(org).await? {
            return Ok(job_dto(&job));
        }
        let txn = self.kite.begin().await?;
        let job = self
            .kite
            .queue()
            .enqueue(
                &*txn,
                NewJob::of(&TrainPayload { organization_id: org })
                    .for_ctx(ctx)
                    .max_attempts(3),
            )
            .await?;
        txn.commit().await?;
        // Workers woken while the job was uncommitted found nothing.
        self.kite.jobs_waiting.notify_waiters();
        Ok(job_dto(&job))
    }

    /// Queues the daily retraining of every organization whose models are a day old,
    /// once per organization and day however many instances tick. An organization with
    /// no model yet is trained when its first record is scored.
    pub async fn queue_daily(&self, now: DateTime<Utc>) -> Result<(), CoreError> {
        let last_trained: Vec<(Uuid, Option<DateTime<Utc>>)> = score_model::Entity::find()
            .select_only()
            .column(score_model::Column::OrganizationId)
            .column_as(score_model::Column::TrainedAt.max(), "trained_at")
            .group_by(score_model::Column::OrganizationId)
            .into_tuple()
            .all(&self.kite.db)
            .await?;
        let day = now.date_naive();
        for (org, trained_at) in last_trained {
            if trained_at.is_some_and(|at| now - at < chrono::Duration::hours(RETRAIN_AFTER_HOURS)) {
                continue;
            }
            self.queue_once(org, &format!("{}:{org}:{day}", TrainPayload::KIND))
                .await?;
        }
        Ok(())
    }

    async fn queue_once(&self, org: Uuid, key: &str) -> Result<(), CoreError> {
        let txn = self.kite.begin().await?;
        let mut job = NewJob::of(&TrainPayload { organization_id: org })
            .idempotency_key(key)
            .max_attempts(3);
        job.organization_id = Some(org);
        self.kite.queue().enqueue(&*txn, job).await?;
        txn.commit().await?;
        self.kite.jobs_waiting.notify_waiters();
        Ok(())
    }

    /// Retrains both models on the whole history and rescores every record with them.
    pub async fn train(&self, org: Uuid) -> Result<Vec<Trained>, CoreError> {
        let started = Instant::now();
        let history = load::history(&self.kite.db, org, Only::All).await?;
        let norms = history.norms();
        let labels = history.stage_labels();
        let deal_examples = history.deal_examples(&norms);
        let contact_examples = history.contact_examples();
        let trainings = [
            (
                ScoreSubject::Contact,
                model::train(&contact_examples, norms.clone(), &labels),
            ),
            (ScoreSubject::Deal, model::train(&deal_examples, norms, &labels)),
        ];
        let training_ms = started.elapsed().as_millis() as u64;

        let at = Utc::now();
        let mut saved = Vec::new();
        for (subject, training) in &trainings {
            let row = score_model::ActiveModel {
                id: Set(Uuid::now_v7()),
                method: Set(training.method.as_str().to_owned()),
                note: Set(training.note.clone()),
                rows_used: Set((training.won + training.lost) as i32),
                won: Set(training.won as i32),
                lost: Set(training.lost as i32),
                metrics: Set(training.metrics.as_ref().and_then(|m| serde_json::to_string(m).ok())),
                parameters: Set(
                    serde_json::to_string(&training.parameters).map_err(|e| CoreError::Internal(e.to_string()))?
                ),
                scored: Set(0),
                training_ms: Set(training_ms as i64),
                trained_at: Set(at),
                ..Default::default()
            };
            saved.push((*subject, store::save(self.kite, org, *subject, row).await?));
        }
        let contact_model = InUse::of(&saved[0].1)?;
        let deal_model = InUse::of(&saved[1].1)?;
        let (contacts, deals) = score_history(&history, (&contact_model, &deal_model), None, at);
        store::clear_closed_deals(self.kite, org, None).await?;
        store::write_scores(self.kite, org, &contacts, &deals).await?;
        let mut report = Vec::new();
        for ((subject, row), scored) in saved.into_iter().zip([contacts.len(), deals.len()]) {
            score_model::Entity::update_many()
                .col_expr(
                    score_model::Column::Scored,
                    sea_orm::sea_query::Expr::value(scored as i32),
                )
                .filter(score_model::Column::Id.eq(row.id))
                .exec(&self.kite.db)
                .await?;
            report.push(Trained {
                subject,
                version: row.version,
                method: ScoreMethod::parse(&row.method).unwrap_or(ScoreMethod::Rules),
                rows: row.rows_used.max(0) as u32,
                scored: scored as u32,
                training_ms,
            });
        }
        tracing::info!(%org, ms = started.elapsed().as_millis() as u64, "scoring models trained");
        Ok(report)
    }

    /// Rescores what a batch of domain events made stale, per organization.
    pub async fn rescore_stale(&self, events: &[domain_event::Model]) -> Result<Rescored, CoreError> {
        let mut total = Rescored::default();
        for (org, mut stale) in changes::named(events) {
            let done = if stale.everything {
                self.rescore(org, None).await?
            } else {
                stale.widen(&self.kite.db, org).await?;
                if stale.contacts.is_empty() && stale.deals.is_empty() {
                    continue;
                }
                let contacts: Vec<Uuid> = stale.contacts.into_iter().collect();
                let deals: Vec<Uuid> = stale.deals.into_iter().collect();
                self.rescore(org, Some((&contacts, &deals))).await?
            };
            total.contacts += done.contacts;
            total.deals += done.deals;
            total.training_queued |= done.training_queued;
        }
        Ok(total)
    }

    /// Rescores the named records (or all, with `None`) with the models in use; with no
    /// model yet, queues the organization's first training instead.
    pub async fn rescore(&self, org: Uuid, named: Option<(&[Uuid], &[Uuid])>) -> Result<Rescored, CoreError> {
        let (Some(contact_row), Some(deal_row)) = (
            store::current(self.kite, org, ScoreSubject::Contact).await?,
            store::current(self.kite, org, ScoreSubject::Deal).await?,
        ) else {
            self.queue_once(org, &format!("{}:{org}:first", TrainPayload::KIND))
                .await?;
            return Ok(Rescored {
                training_queued: true,
                ..Rescored::default()
            });
        };
        let models = (&InUse::of(&contact_row)?, &InUse::of(&deal_row)?);
        let at = Utc::now();
        let (contacts, deals) = match named {
            None => {
                let history = load::history(&self.kite.db, org, Only::All).await?;
                store::clear_closed_deals(self.kite, org, None).await?;
                score_history(&history, models, None, at)
            }
            Some((contacts, deals)) => {
                let history = load::history(&self.kite.db, org, Only::Some { contacts, deals }).await?;
                store::clear_closed_deals(self.kite, org, Some(deals)).await?;
                let wanted = (
                    contacts.iter().copied().collect::<HashSet<Uuid>>(),
                    deals.iter().copied().collect::<HashSet<Uuid>>(),
                );
                score_history(&history, models, Some((&wanted.0, &wanted.1)), at)
            }
        };
        store::write_scores(self.kite, org, &contacts, &deals).await?;
        Ok(Rescored {
            contacts: contacts.len() as u32,
            deals: deals.len() as u32,
            training_queued: false,
        })
    }
}
