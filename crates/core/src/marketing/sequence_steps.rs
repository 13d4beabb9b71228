//! Running sequences. A tick queues one job per due enrollment; the job runs its steps
//! in order until one is not due yet (after a wait). Each step is its own transaction,
//! which first moves the enrollment past the step on the condition that it still stands
//! on it: however many jobs race for an enrollment (two ticks, a retried job), a step's
//! email or task is made once, and a unique index on the email backs that up.

use super::MarketingService;
use super::context::{deal_with_stage, sender};
use super::enrollments::exit_where;
use super::letter::{self, Letter};
use super::sequences::{find_sequence, steps_of};
use super::suppressions::reasons_for;
use super::templates::find_template;
use crate::audit::{self, Actor, Event};
use crate::crm::activities::snapshot;
use crate::ctx::ClientInfo;
use crate::jobs::{JobPayload, NewJob};
use crate::{CoreError, Kite};
use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use kite_entity::{activity, contact, deal, sequence, sequence_enrollment as enrollment, sequence_step as step};
use kite_shared::OrganizationId;
use kite_shared::crm::activities::ActivityKind;
use kite_shared::marketing::sequences::{EnrollmentState, ExitReason, SequenceStatus, StepKind, WaitUnit};
use kite_shared::marketing::suppressions::SuppressionReason;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const ADVANCE: &str = "sequences.advance";
/// Enrollments queued per tick; the rest wait for the next one.
const DUE_PER_TICK: u64 = 500;
/// Steps one job runs before it hands over to the next tick.
const STEPS_PER_RUN: usize = 20;

/// Run the due steps of one enrollment.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AdvanceEnrollment {
    pub enrollment_id: Uuid,
    pub organization_id: Uuid,
}

impl JobPayload for AdvanceEnrollment {
    const KIND: &'static str = ADVANCE;
}

/// What a run did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct StepOutcome {
    pub emails: u32,
    pub tasks: u32,
    pub waits: u32,
    pub finished: bool,
    pub exited: Option<ExitReason>,
}

/// The job for an enrollment's step that is due at `due`: the same step at the same
/// time is one job, whoever queues it.
pub(super) fn advance_job(row: &enrollment::Model, due: DateTime<Utc>) -> NewJob {
    let payload = AdvanceEnrollment {
        enrollment_id: row.id,
        organization_id: row.organization_id,
    };
    let mut job = NewJob::of(&payload)
        .idempotency_key(format!(
            "sequence:{}:{}:{}",
            row.id,
            row.current_step,
            due.timestamp_millis()
        ))
        .max_attempts(10);
    job.organization_id = Some(row.organization_id);
    job
}

/// When a wait that starts at `from` ends. Business days skip Saturday and Sunday
/// (in UTC): Friday plus one business day is Monday, at the same time of day.
pub fn wait_until(from: DateTime<Utc>, amount: u32, unit: WaitUnit, business_days: bool) -> DateTime<Utc> {
    match unit {
        WaitUnit::Hours => from + Duration::hours(i64::from(amount)),
        WaitUnit::Days if !business_days => from + Duration::days(i64::from(amount)),
        WaitUnit::Days => {
            let mut at = from;
            let mut left = amount;
            while left > 0 {
                at += Duration::days(1);
                if !matches!(at.weekday(), Weekday::Sat | Weekday::Sun) {
                    left -= 1;
                }
            }
            at
        }
    }
}

/// What running one step decided.
enum Ran {
    /// Made its email, task or wait; the next step is due at this time.
    Next(DateTime<Utc>),
    Exit(ExitReason),
}

fn exit_for(reason: SuppressionReason) -> ExitReason {
    match reason {
        SuppressionReason::Bounce => ExitReason::Bounced,
        _ => ExitReason::Unsubscribed,
    }
}

/// The contact's email, or why the enrollment cannot go on.
async fn send_email(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    sequence: &sequence::Model,
    step: &step::Model,
    now: DateTime<Utc>,
) -> Result<Ran, CoreError> {
    let Some(contact) = contact::Entity::find_by_id(row.contact_id)
        .filter(contact::Column::OrganizationId.eq(row.organization_id))
        .filter(contact::Column::DeletedAt.is_null())
        .one(conn)
        .await?
    else {
        return Ok(Ran::Exit(ExitReason::Unreachable));
    };
    let Some(to) = contact.email.clone().filter(|e| !e.trim().is_empty()) else {
        return Ok(Ran::Exit(ExitReason::Unreachable));
    };
    if let Some(reason) = reasons_for(conn, row.organization_id, std::slice::from_ref(&to))
        .await?
        .get(&to)
    {
        return Ok(Ran::Exit(exit_for(*reason)));
    }
    let Some(template_id) = step.template_id else {
        return Ok(Ran::Next(now));
    };
    let template = find_template(conn, row.organization_id, template_id).await?;
    let from_user = row
        .enrolled_by
        .or(sequence.created_by)
        .ok_or(CoreError::NotFound("user"))?;
    let from = sender(conn, from_user, row.organization_id).await?;
    let deal = match row.deal_id {
        Some(id) => match deal::Entity::find_by_id(id)
            .filter(deal::Column::OrganizationId.eq(row.organization_id))
            .filter(deal::Column::DeletedAt.is_null())
            .one(conn)
            .await?
        {
            Some(deal) => Some(deal_with_stage(conn, deal).await?),
            None => None,
        },
        None => None,
    };
    let letter = Letter {
        from: &from,
        contact: &contact,
        to: &to,
        deal: deal.as_ref(),
        subject: &template.subject,
        body: &template.body_html,
        automated: true,
        source: "sequence",
    };
    letter::queue(kite, conn, &letter, |mut email| {
        email.sequence_id = Set(Some(sequence.id));
        email.sequence_step_id = Set(Some(step.id));
        email.enrollment_id = Set(Some(row.id));
        email.created_by = Set(row.enrolled_by);
        email
    })
    .await?;
    Ok(Ran::Next(now))
}

/// A task for the contact's owner (or whoever enrolled them), due now.
async fn make_task(
    conn: &impl ConnectionTrait,
    row: &enrollment::Model,
    sequence: &sequence::Model,
    step: &step::Model,
    now: DateTime<Utc>,
) -> Result<Ran, CoreError> {
    let contact = contact::Entity::find_by_id(row.contact_id)
        .filter(contact::Column::OrganizationId.eq(row.organization_id))
        .filter(contact::Column::DeletedAt.is_null())
        .one(conn)
        .await?;
    let Some(contact) = contact else {
        return Ok(Ran::Exit(ExitReason::Unreachable));
    };
    let kind = step
        .task_kind
        .as_deref()
        .map_or(ActivityKind::Task, ActivityKind::parse);
    let task = activity::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(row.organization_id),
        kind: Set(kind.as_str().to_owned()),
        subject: Set(step.task_title.clone().unwrap_or_else(|| kind.label().to_owned())),
        body: Set(Some(format!(
            "Step {} of the sequence “{}”.",
            step.position + 1,
            sequence.name
        ))),
        due_at: Set(Some(now)),
        done_at: Set(None),
        owner_id: Set(contact.owner_id.or(row.enrolled_by)),
        contact_id: Set(Some(contact.id)),
        company_id: Set(contact.company_id),
        deal_id: Set(row.deal_id),
        created_by: Set(row.enrolled_by),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    let actor = Actor {
        organization_id: Some(OrganizationId::from(row.organization_id)),
        user_id: None,
        label: Some(format!("Sequence “{}”", sequence.name)),
        client: ClientInfo::default(),
    };
    audit::record(
        conn,
        &actor,
        Event::new("activity.created", "activity", task.id).after(snapshot(&task)),
    )
    .await?;
    Ok(Ran::Next(now))
}

impl MarketingService<'_> {
    /// Queues a job for every enrollment whose next step is due (in active sequences).
    pub async fn queue_due_steps(&self, now: DateTime<Utc>) -> Result<u64, CoreError> {
        let db = &self.kite.db;
        let active = Query::select()
            .column(sequence::Column::Id)
            .from(sequence::Entity)
            .and_where(sequence::Column::Status.eq(SequenceStatus::Active.as_str()))
            .and_where(sequence::Column::DeletedAt.is_null())
            .to_owned();
        let due = enrollment::Entity::find()
            .filter(enrollment::Column::State.eq(EnrollmentState::Active.as_str()))
            .filter(enrollment::Column::NextStepAt.lte(now))
            .filter(enrollment::Column::SequenceId.in_subquery(active))
            .order_by_asc(enrollment::Column::NextStepAt)
            .limit(DUE_PER_TICK)
            .all(db)
            .await?;
        for row in &due {
            if let Some(at) = row.next_step_at {
                self.kite.queue().enqueue(db, advance_job(row, at)).await?;
            }
        }
        Ok(due.len() as u64)
    }

    /// Runs the enrollment's due steps, one transaction each.
    pub async fn advance_enrollment(&self, payload: &AdvanceEnrollment) -> Result<StepOutcome, CoreError> {
        let mut outcome = StepOutcome::default();
        for _ in 0..STEPS_PER_RUN {
            if !self.run_step(payload, &mut outcome).await? {
                break;
            }
        }
        Ok(outcome)
    }

    /// Runs the step the enrollment stands on, if it is due. True when the next one may
    /// be due as well.
    async fn run_step(&self, payload: &AdvanceEnrollment, outcome: &mut StepOutcome) -> Result<bool, CoreError> {
        let kite = self.kite;
        let now = Utc::now();
        let txn = kite.begin().await?;
        let Some(row) = enrollment::Entity::find_by_id(payload.enrollment_id)
            .filter(enrollment::Column::OrganizationId.eq(payload.organization_id))
            .one(&*txn)
            .await?
        else {
            return Ok(false);
        };
        let due = row.next_step_at.is_some_and(|at| at <= now);
        if row.state != EnrollmentState::Active.as_str() || !due {
            return Ok(false);
        }
        let sequence = match find_sequence(&*txn, row.organization_id, row.sequence_id).await {
            Ok(sequence) if sequence.status == SequenceStatus::Active.as_str() => sequence,
            Ok(_) | Err(CoreError::NotFound(_)) => return Ok(false),
            Err(error) => return Err(error),
        };
        // The claim: whoever moves the enrollment off this step runs it.
        let claimed = enrollment::Entity::update_many()
            .col_expr(enrollment::Column::CurrentStep, Expr::value(row.current_step + 1))
            .col_expr(enrollment::Column::UpdatedAt, Expr::value(now))
            .filter(enrollment::Column::Id.eq(row.id))
            .filter(enrollment::Column::CurrentStep.eq(row.current_step))
            .filter(enrollment::Column::State.eq(EnrollmentState::Active.as_str()))
            .exec(&*txn)
            .await?;
        if claimed.rows_affected == 0 {
            return Ok(false);
        }
        let steps = steps_of(&*txn, sequence.id).await?;
        let position = usize::try_from(row.current_step).unwrap_or(usize::MAX);
        let ran = match steps.get(position) {
            None => None,
            Some(step) => Some(match StepKind::parse(&step.kind) {
                Some(StepKind::Email) => {
                    let ran = send_email(kite, &*txn, &row, &sequence, step, now).await?;
                    if matches!(ran, Ran::Next(_)) {
                        outcome.emails += 1;
                    }
                    ran
                }
                Some(StepKind::Task) => {
                    let ran = make_task(&*txn, &row, &sequence, step, now).await?;
                    if matches!(ran, Ran::Next(_)) {
                        outcome.tasks += 1;
                    }
                    ran
                }
                Some(StepKind::Wait) | None => {
                    outcome.waits += 1;
                    let amount = step.wait_amount.and_then(|a| u32::try_from(a).ok()).unwrap_or(0);
                    let unit = step
                        .wait_unit
                        .as_deref()
                        .and_then(WaitUnit::parse)
                        .unwrap_or(WaitUnit::Days);
                    Ran::Next(wait_until(now, amount, unit, step.business_days))
                }
            }),
        };
        let last = position + 1 >= steps.len();
        let go_on = match ran {
            Some(Ran::Exit(reason)) => {
                exit_where(
                    &*txn,
                    Condition::all().add(enrollment::Column::Id.eq(row.id)),
                    reason,
                    now,
                )
                .await?;
                outcome.exited = Some(reason);
                false
            }
            Some(Ran::Next(_)) | None if last => {
                enrollment::Entity::update_many()
                    .col_expr(
                        enrollment::Column::State,
                        Expr::value(EnrollmentState::Finished.as_str()),
                    )
                    .col_expr(
                        enrollment::Column::NextStepAt,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .col_expr(enrollment::Column::FinishedAt, Expr::value(now))
                    .filter(enrollment::Column::Id.eq(row.id))
                    .exec(&*txn)
                    .await?;
                outcome.finished = true;
                false
            }
            Some(Ran::Next(at)) => {
                enrollment::Entity::update_many()
                    .col_expr(enrollment::Column::NextStepAt, Expr::value(at))
                    .filter(enrollment::Column::Id.eq(row.id))
                    .exec(&*txn)
                    .await?;
                at <= now
            }
            None => false,
        };
        txn.commit().await?;
        Ok(go_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        // December 2026: the 4th is a Friday.
        Utc.with_ymd_and_hms(2026, 12, day, hour, 0, 0)
            .single()
            .expect("a date")
    }

    #[test]
    fn business_days_skip_the_weekend() {
        assert_eq!(
            wait_until(at(4, 10), 1, WaitUnit::Days, true),
            at(7, 10),
            "Friday + 1 is Monday"
        );
        assert_eq!(wait_until(at(4, 10), 3, WaitUnit::Days, true), at(9, 10));
        assert_eq!(
            wait_until(at(5, 10), 1, WaitUnit::Days, true),
            at(7, 10),
            "Saturday + 1 is Monday"
        );
    }

    #[test]
    fn calendar_days_and_hours_count_every_day() {
        assert_eq!(wait_until(at(4, 10), 1, WaitUnit::Days, false), at(5, 10));
        assert_eq!(wait_until(at(4, 10), 30, WaitUnit::Hours, false), at(5, 16));
    }
}
