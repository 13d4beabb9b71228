//! Sequences and their steps: the editor saves the whole list of steps at once, keeping
//! the steps it still names (their statistics stay) and renumbering them in order;
//! pausing a sequence holds every enrollment where it stands.

use super::enrollments::exit_where;
use super::templates::find_template;
use super::{MarketingService, conflict};
use crate::audit::{self, Actor, Event};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx};
use chrono::Utc;
use kite_entity::{email, email_template, sequence, sequence_enrollment as enrollment, sequence_step as step};
use kite_shared::crm::activities::ActivityKind;
use kite_shared::marketing::sequences::{
    EnrollmentCounts, ExitReason, SequenceDto, SequenceInput, SequenceStatus, StepDto, StepInput, StepKind, StepStats,
    WaitUnit,
};
use kite_shared::page::{Page, PageQuery};
use kite_shared::{FieldError, Permission, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The organization's live sequence; 404 for another organization's.
pub(super) async fn find_sequence(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    id: Uuid,
) -> Result<sequence::Model, CoreError> {
    sequence::Entity::find_by_id(id)
        .filter(sequence::Column::OrganizationId.eq(organization_id))
        .filter(sequence::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("sequence"))
}

/// The steps of a sequence, in order.
pub(super) async fn steps_of(conn: &impl ConnectionTrait, sequence_id: Uuid) -> Result<Vec<step::Model>, CoreError> {
    Ok(step::Entity::find()
        .filter(step::Column::SequenceId.eq(sequence_id))
        .order_by_asc(step::Column::Position)
        .all(conn)
        .await?)
}

/// Whether a live sequence sends this template (so it cannot be deleted).
pub(super) async fn uses_template(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    template_id: Uuid,
) -> Result<bool, CoreError> {
    let live = sea_orm::sea_query::Query::select()
        .column(sequence::Column::Id)
        .from(sequence::Entity)
        .and_where(sequence::Column::OrganizationId.eq(organization_id))
        .and_where(sequence::Column::DeletedAt.is_null())
        .to_owned();
    Ok(step::Entity::find()
        .filter(step::Column::TemplateId.eq(template_id))
        .filter(step::Column::SequenceId.in_subquery(live))
        .one(conn)
        .await?
        .is_some())
}

/// Emails of each step and what they did.
async fn email_stats(conn: &impl ConnectionTrait, sequence_id: Uuid) -> Result<HashMap<Uuid, StepStats>, CoreError> {
    let sent = "SUM(CASE WHEN status NOT IN ('queued', 'sending', 'failed', 'excluded') THEN 1 ELSE 0 END)";
    let rows: Vec<(Option<Uuid>, i64, i64, i64, i64, i64)> = email::Entity::find()
        .select_only()
        .column(email::Column::SequenceStepId)
        .column_as(Expr::cust(sent), "sent")
        .column_as(Expr::cust("SUM(CASE WHEN open_count > 0 THEN 1 ELSE 0 END)"), "opened")
        .column_as(
            Expr::cust("SUM(CASE WHEN click_count > 0 THEN 1 ELSE 0 END)"),
            "clicked",
        )
        .column_as(
            Expr::cust("SUM(CASE WHEN replied_at IS NOT NULL THEN 1 ELSE 0 END)"),
            "replied",
        )
        .column_as(
            Expr::cust("SUM(CASE WHEN status = 'bounced' THEN 1 ELSE 0 END)"),
            "bounced",
        )
        .filter(email::Column::SequenceId.eq(sequence_id))
        .group_by(email::Column::SequenceStepId)
        .into_tuple()
        .all(conn)
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .filter_map(|(step, sent, opened, clicked, replied, bounced)| {
            Some((
                step?,
                StepStats {
                    sent: count(sent),
                    opened: count(opened),
                    clicked: count(clicked),
                    replied: count(replied),
                    bounced: count(bounced),
                    ..StepStats::default()
                },
            ))
        })
        .collect())
}

/// Open enrollments by the step they stand on, every enrollment by how far it got,
/// and the counts by state.
async fn enrollment_stats(
    conn: &impl ConnectionTrait,
    sequence_id: Uuid,
) -> Result<(Vec<(i32, String, i64)>, EnrollmentCounts), CoreError> {
    let rows: Vec<(i32, String, i64)> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::CurrentStep)
        .column(enrollment::Column::State)
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(enrollment::Column::SequenceId.eq(sequence_id))
        .group_by(enrollment::Column::CurrentStep)
        .group_by(enrollment::Column::State)
        .into_tuple()
        .all(conn)
        .await?;
    let mut counts = EnrollmentCounts::default();
    for (_, state, n) in &rows {
        let n = u64::try_from(*n).unwrap_or(0);
        match state.as_str() {
            "active" => counts.active += n,
            "paused" => counts.paused += n,
            "finished" => counts.finished += n,
            _ => counts.exited += n,
        }
    }
    Ok((rows, counts))
}

async fn sequence_dto(conn: &impl ConnectionTrait, row: &sequence::Model) -> Result<SequenceDto, CoreError> {
    let steps = steps_of(conn, row.id).await?;
    let template_ids: Vec<Uuid> = steps.iter().filter_map(|s| s.template_id).collect();
    let templates: HashMap<Uuid, String> = email_template::Entity::find()
        .filter(email_template::Column::Id.is_in(template_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let mut emails = email_stats(conn, row.id).await?;
    let (by_step, enrollments) = enrollment_stats(conn, row.id).await?;
    let steps = steps
        .into_iter()
        .map(|s| {
            let mut stats = emails.remove(&s.id).unwrap_or_default();
            for (position, state, n) in &by_step {
                let n = u64::try_from(*n).unwrap_or(0);
                if *position == s.position && matches!(state.as_str(), "active" | "paused") {
                    stats.current += n;
                }
                if *position > s.position && s.kind == StepKind::Task.as_str() {
                    stats.tasks += n;
                }
            }
            StepDto {
                id: s.id,
                position: u32::try_from(s.position).unwrap_or(0),
                kind: StepKind::parse(&s.kind).unwrap_or(StepKind::Wait),
                template_id: s.template_id,
                template_name: s.template_id.and_then(|t| templates.get(&t).cloned()),
                wait_amount: s.wait_amount.and_then(|a| u32::try_from(a).ok()),
                wait_unit: s.wait_unit.as_deref().and_then(WaitUnit::parse),
                business_days: s.business_days,
                task_kind: s.task_kind.as_deref().map(ActivityKind::parse),
                task_title: s.task_title,
                stats,
            }
        })
        .collect();
    Ok(SequenceDto {
        id: row.id,
        name: row.name.clone(),
        status: SequenceStatus::parse(&row.status).unwrap_or(SequenceStatus::Paused),
        steps,
        enrollments,
        created_by: row.created_by.map(UserId::from),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Checks what the shared rules cannot: the templates are the organization's, and the
/// kept steps are this sequence's.
async fn check_steps(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    existing: &[step::Model],
    steps: &[StepInput],
) -> Result<(), CoreError> {
    let mut errors = Vec::new();
    for (index, input) in steps.iter().enumerate() {
        if let Some(id) = input.id
            && !existing.iter().any(|s| s.id == id)
        {
            errors.push(FieldError::new(
                &format!("steps[{index}].id"),
                "unknown_step",
                "This step is not one of the sequence's.",
            ));
        }
        if input.kind == StepKind::Email
            && let Some(template_id) = input.template_id
            && find_template(conn, organization_id, template_id).await.is_err()
        {
            errors.push(FieldError::new(
                &format!("steps[{index}].template_id"),
                "not_found",
                "Pick one of your templates.",
            ));
        }
    }
    CoreError::validation(errors)
}

/// Writes the steps as given: kept ones updated, new ones added, missing ones removed.
async fn save_steps(
    conn: &impl ConnectionTrait,
    row: &sequence::Model,
    existing: Vec<step::Model>,
    steps: &[StepInput],
) -> Result<(), CoreError> {
    let kept: Vec<Uuid> = steps.iter().filter_map(|s| s.id).collect();
    let gone: Vec<Uuid> = existing.iter().map(|s| s.id).filter(|id| !kept.contains(id)).collect();
    if !gone.is_empty() {
        step::Entity::delete_many()
            .filter(step::Column::Id.is_in(gone))
            .exec(conn)
            .await?;
    }
    let now = Utc::now();
    for (position, input) in steps.iter().enumerate() {
        let is = |kind: StepKind| input.kind == kind;
        let values = step::ActiveModel {
            id: Set(input.id.unwrap_or_else(Uuid::now_v7)),
            organization_id: Set(row.organization_id),
            sequence_id: Set(row.id),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            kind: Set(input.kind.as_str().to_owned()),
            template_id: Set(input.template_id.filter(|_| is(StepKind::Email))),
            wait_amount: Set(input
                .wait_amount
                .filter(|_| is(StepKind::Wait))
                .and_then(|a| i32::try_from(a).ok())),
            wait_unit: Set(is(StepKind::Wait).then(|| input.wait_unit.unwrap_or(WaitUnit::Days).as_str().to_owned())),
            business_days: Set(is(StepKind::Wait) && input.business_days),
            task_kind: Set(
                is(StepKind::Task).then(|| input.task_kind.unwrap_or(ActivityKind::Task).as_str().to_owned())
            ),
            task_title: Set(input
                .task_title
                .as_deref()
                .filter(|_| is(StepKind::Task))
                .map(|t| t.trim().to_owned())),
            created_at: Set(now),
        };
        match existing.iter().find(|s| Some(s.id) == input.id) {
            Some(old) => {
                let mut active = values;
                active.created_at = Set(old.created_at);
                active.update(conn).await?;
            }
            None => {
                values.insert(conn).await?;
            }
        }
    }
    Ok(())
}

impl MarketingService<'_> {
    pub async fn list_sequences(&self, ctx: &Ctx, page: &PageQuery) -> Result<Page<SequenceDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::fixed("sequences", "name", sequence::Column::Name, false, sequence::Column::Id)?;
        let select = sequence::Entity::find()
            .filter(sequence::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(sequence::Column::DeletedAt.is_null());
        let rows = paging::page(self.kite, select, &order, &request, Total::Exact).await?;
        let mut items = Vec::with_capacity(rows.items.len());
        for row in &rows.items {
            items.push(sequence_dto(&self.kite.db, row).await?);
        }
        Ok(Page {
            items,
            next_cursor: rows.next_cursor,
            total: rows.total,
        })
    }

    pub async fn get_sequence(&self, ctx: &Ctx, id: Uuid) -> Result<SequenceDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let row = find_sequence(&self.kite.db, ctx.organization_id.into_uuid(), id).await?;
        sequence_dto(&self.kite.db, &row).await
    }

    pub async fn create_sequence(&self, ctx: &Ctx, input: &SequenceInput) -> Result<SequenceDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        CoreError::validation(input.validate())?;
        let org = ctx.organization_id.into_uuid();
        let txn = self.kite.begin().await?;
        check_steps(&*txn, org, &[], &input.steps).await?;
        let now = Utc::now();
        let row = sequence::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org),
            name: Set(input.name.trim().to_owned()),
            status: Set(SequenceStatus::Active.as_str().to_owned()),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        save_steps(&*txn, &row, Vec::new(), &input.steps).await?;
        let dto = sequence_dto(&*txn, &row).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("sequence.created", "sequence", row.id)
                .after(json!({"name": dto.name, "steps": dto.steps.len()})),
        )
        .await?;
        txn.commit().await?;
        Ok(dto)
    }

    /// Saves the name and the steps. Enrollments keep their place by position: one
    /// standing past the last step finishes when it next runs.
    pub async fn update_sequence(&self, ctx: &Ctx, id: Uuid, input: &SequenceInput) -> Result<SequenceDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        CoreError::validation(input.validate())?;
        let txn = self.kite.begin().await?;
        let row = find_sequence(&*txn, ctx.organization_id.into_uuid(), id).await?;
        let existing = steps_of(&*txn, id).await?;
        check_steps(&*txn, row.organization_id, &existing, &input.steps).await?;
        save_steps(&*txn, &row, existing, &input.steps).await?;
        let mut active = row.into_active_model();
        active.name = Set(input.name.trim().to_owned());
        active.updated_at = Set(Utc::now());
        let row = active.update(&*txn).await?;
        let dto = sequence_dto(&*txn, &row).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("sequence.updated", "sequence", id).after(json!({"name": dto.name, "steps": dto.steps.len()})),
        )
        .await?;
        txn.commit().await?;
        Ok(dto)
    }

    /// Moves a sequence to the trash; whoever is still in it is taken out.
    pub async fn delete_sequence(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let row = find_sequence(&*txn, ctx.organization_id.into_uuid(), id).await?;
        let now = Utc::now();
        let stopped = exit_where(
            &*txn,
            Condition::all().add(enrollment::Column::SequenceId.eq(id)),
            ExitReason::Manual,
            now,
        )
        .await?;
        let mut active = row.clone().into_active_model();
        active.deleted_at = Set(Some(now));
        active.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("sequence.deleted", "sequence", id).before(json!({"name": row.name, "stopped": stopped})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn pause_sequence(&self, ctx: &Ctx, id: Uuid) -> Result<SequenceDto, CoreError> {
        self.set_sequence_status(ctx, id, SequenceStatus::Paused).await
    }

    pub async fn resume_sequence(&self, ctx: &Ctx, id: Uuid) -> Result<SequenceDto, CoreError> {
        self.set_sequence_status(ctx, id, SequenceStatus::Active).await
    }

    async fn set_sequence_status(&self, ctx: &Ctx, id: Uuid, to: SequenceStatus) -> Result<SequenceDto, CoreError> {
        ctx.require(Permission::ManageCampaigns)?;
        let txn = self.kite.begin().await?;
        let row = find_sequence(&*txn, ctx.organization_id.into_uuid(), id).await?;
        if row.status == to.as_str() {
            return Err(conflict(
                "sequence_status",
                format!("This sequence is already {}.", to.label().to_lowercase()),
            ));
        }
        let now = Utc::now();
        if to == SequenceStatus::Active {
            // Steps that fell due while paused run now, each under a fresh time so the
            // tick queues them again.
            enrollment::Entity::update_many()
                .col_expr(enrollment::Column::NextStepAt, Expr::value(now))
                .filter(enrollment::Column::SequenceId.eq(id))
                .filter(enrollment::Column::State.eq("active"))
                .filter(enrollment::Column::NextStepAt.lt(now))
                .exec(&*txn)
                .await?;
        }
        let mut active = row.into_active_model();
        active.status = Set(to.as_str().to_owned());
        active.updated_at = Set(now);
        let row = active.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("sequence.status_changed", "sequence", id).after(json!({"status": to.as_str()})),
        )
        .await?;
        let dto = sequence_dto(&*txn, &row).await?;
        txn.commit().await?;
        Ok(dto)
    }
}
