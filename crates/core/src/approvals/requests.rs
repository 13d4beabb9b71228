//! Requests: asked for, decided step by step, withdrawn, commented on, reassigned,
//! voided, reminded. Each action is one write transaction that locks the request first.

use super::workflows::{matching, steps_of};
use super::{ApprovalService, Trail, lock_request, notify, require_pending, snapshot_of};
use crate::audit::Actor;
use crate::crm::access::require_edit;
use crate::crm::deals::{self, find_live};
use crate::crm::pipelines::find_stage;
use crate::jobs::{JobPayload, NewJob};
use crate::{CoreError, Ctx, Kite};
use chrono::{DateTime, Duration, Utc};
use kite_entity::{approval_assignment, approval_request, approval_step, approval_workflow, deal, stage, user};
use kite_shared::approvals::{
    ApprovalMode, ApprovalRequestDto, ApprovalSnapshot, ApprovalStatus, Decision, DecisionInput, NewApprovalRequest,
    ReassignInput, StepStatus, check_comment,
};
use kite_shared::crm::Money;
use kite_shared::{OrganizationId, Permission, Role, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set, SqlErr,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use uuid::Uuid;

/// Reminds the approvers of one overdue step.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RemindPayload {
    pub step_id: Uuid,
}

impl JobPayload for RemindPayload {
    const KIND: &'static str = "approvals.remind";
}

fn pending_conflict(request_id: Uuid) -> CoreError {
    CoreError::Conflict {
        code: "approval_pending",
        message: "This deal already waits for an approval: decide or withdraw that request first.".into(),
        field: None,
        details: Some(json!({"request_id": request_id})),
    }
}

/// Two requests for one deal at once end at the unique index; answer like the pre-check.
fn one_pending_violation(err: DbErr) -> CoreError {
    if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
        CoreError::Conflict {
            code: "approval_pending",
            message: "This deal already waits for an approval.".into(),
            field: None,
            details: None,
        }
    } else {
        CoreError::Database(err)
    }
}

pub(super) async fn pending_of(
    conn: &impl ConnectionTrait,
    deal: &deal::Model,
) -> Result<Option<approval_request::Model>, CoreError> {
    Ok(approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(deal.organization_id))
        .filter(approval_request::Column::DealId.eq(deal.id))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()))
        .one(conn)
        .await?)
}

async fn step_at(
    conn: &impl ConnectionTrait,
    request: &approval_request::Model,
    position: i32,
) -> Result<approval_step::Model, CoreError> {
    approval_step::Entity::find()
        .filter(approval_step::Column::RequestId.eq(request.id))
        .filter(approval_step::Column::Position.eq(position))
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::Internal(format!("approval request {} lost step {position}", request.id)))
}

async fn undecided_in(
    conn: &impl ConnectionTrait,
    step_id: Uuid,
) -> Result<Vec<approval_assignment::Model>, CoreError> {
    Ok(approval_assignment::Entity::find()
        .filter(approval_assignment::Column::StepId.eq(step_id))
        .filter(approval_assignment::Column::Decision.is_null())
        .all(conn)
        .await?)
}

/// Who approves each step: the named approvers and the holders of the named roles who
/// are active and may approve, except the deal's owner and the requester (nobody signs
/// off their own deal). Fails naming the first step nobody is left to approve.
async fn resolve_approvers(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    workflow: &approval_workflow::Model,
    excluded: &[Uuid],
) -> Result<Vec<Vec<Uuid>>, CoreError> {
    let members = user::Entity::find()
        .filter(user::Column::OrganizationId.eq(organization_id))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.ne(Role::Viewer.as_str()))
        .order_by_asc(user::Column::Name)
        .order_by_asc(user::Column::Id)
        .all(conn)
        .await?;
    let mut steps = Vec::new();
    for (i, step) in steps_of(workflow).iter().enumerate() {
        let named: HashSet<Uuid> = step.approver_ids.iter().map(|u| u.into_uuid()).collect();
        let roles: Vec<&str> = step.approver_roles.iter().map(|r| r.as_str()).collect();
        let approvers: Vec<Uuid> = members
            .iter()
            .filter(|m| named.contains(&m.id) || roles.contains(&m.role.as_str()))
            .filter(|m| !excluded.contains(&m.id))
            .map(|m| m.id)
            .collect();
        if approvers.is_empty() {
            return Err(CoreError::Conflict {
                code: "no_approver",
                message: format!(
                    "Nobody can approve step “{}”: its approvers own or asked for this deal, or are no longer active. \
                     Ask an admin to change the workflow “{}”.",
                    step.name, workflow.name
                ),
                field: None,
                details: Some(json!({"step": i + 1, "workflow_id": workflow.id})),
            });
        }
        steps.push(approvers);
    }
    Ok(steps)
}

fn due_at(step: &approval_step::Model, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
    step.due_hours.map(|h| from + Duration::hours(i64::from(h)))
}

/// What a request is made for: `deal` entering `to`, held by `workflow`.
pub(super) struct Ask<'a> {
    pub deal: &'a deal::Model,
    pub to: &'a stage::Model,
    pub workflow: &'a approval_workflow::Model,
    pub requested_by: Uuid,
    pub note: Option<String>,
}

/// Makes the request, with its steps and approvers, the first step active and its
/// approvers told.
pub(super) async fn open(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    actor: &Actor,
    ask: Ask<'_>,
) -> Result<approval_request::Model, CoreError> {
    let Ask {
        deal,
        to,
        workflow,
        requested_by,
        note,
    } = ask;
    let excluded: Vec<Uuid> = deal.owner_id.into_iter().chain([requested_by]).collect();
    let approvers = resolve_approvers(conn, deal.organization_id, workflow, &excluded).await?;
    let from_name = stage::Entity::find_by_id(deal.stage_id)
        .one(conn)
        .await?
        .map(|s| s.name)
        .unwrap_or_default();
    let snapshot = ApprovalSnapshot {
        title: deal.title.clone(),
        value: Money {
            minor: deal.value_minor,
            currency: deal.currency.clone(),
        },
        discount_percent: deal.discount_percent,
        owner_id: deal.owner_id.map(UserId),
        from_stage_id: deal.stage_id,
        from_stage_name: from_name,
        to_stage_id: to.id,
        to_stage_name: to.name.clone(),
    };
    let now = Utc::now();
    let steps = steps_of(workflow);
    let request = approval_request::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(deal.organization_id),
        workflow_id: Set(workflow.id),
        workflow_name: Set(workflow.name.clone()),
        deal_id: Set(deal.id),
        requested_by: Set(Some(requested_by)),
        status: Set(ApprovalStatus::Pending.as_str().into()),
        current_step: Set(1),
        step_count: Set(i32::try_from(steps.len()).unwrap_or(i32::MAX)),
        snapshot: Set(serde_json::to_string(&snapshot).unwrap_or_default()),
        created_at: Set(now),
        closed_at: Set(None),
    }
    .insert(conn)
    .await
    .map_err(one_pending_violation)?;
    let mut first: Option<(String, Vec<Uuid>)> = None;
    for (i, (step, people)) in steps.iter().zip(approvers).enumerate() {
        let position = i32::try_from(i + 1).unwrap_or(i32::MAX);
        let active = position == 1;
        let due_hours = step.due_hours.and_then(|h| i32::try_from(h).ok());
        let row = approval_step::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(deal.organization_id),
            request_id: Set(request.id),
            position: Set(position),
            name: Set(step.name.clone()),
            mode: Set(step.mode.as_str().into()),
            status: Set(if active {
                StepStatus::Active
            } else {
                StepStatus::Waiting
            }
            .as_str()
            .into()),
            due_hours: Set(due_hours),
            started_at: Set(active.then_some(now)),
            due_at: Set(due_hours
                .filter(|_| active)
                .map(|h| now + Duration::hours(i64::from(h)))),
            reminded_at: Set(None),
            completed_at: Set(None),
        }
        .insert(conn)
        .await?;
        for user_id in &people {
            approval_assignment::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(deal.organization_id),
                request_id: Set(request.id),
                step_id: Set(row.id),
                user_id: Set(*user_id),
                decision: Set(None),
                comment: Set(None),
                decided_at: Set(None),
            }
            .insert(conn)
            .await?;
        }
        if active {
            first = Some((row.name, people));
        }
    }
    Trail::new(&request, "requested", now)
        .step(1)
        .comment(note)
        .write(conn, actor)
        .await?;
    if let Some((name, people)) = first {
        notify::step_reached(kite, conn, &request, &snapshot, &name, &people).await?;
    }
    Ok(request)
}

/// Ends the request with `status`: steps not decided yet are closed.
async fn close(
    conn: &impl ConnectionTrait,
    request: &approval_request::Model,
    status: ApprovalStatus,
    at: DateTime<Utc>,
) -> Result<approval_request::Model, CoreError> {
    approval_step::Entity::update_many()
        .col_expr(approval_step::Column::Status, Expr::value(StepStatus::Closed.as_str()))
        .col_expr(approval_step::Column::CompletedAt, Expr::value(at))
        .filter(approval_step::Column::RequestId.eq(request.id))
        .filter(approval_step::Column::Status.is_in([StepStatus::Waiting.as_str(), StepStatus::Active.as_str()]))
        .exec(conn)
        .await?;
    let mut row = request.clone().into_active_model();
    row.status = Set(status.as_str().into());
    row.closed_at = Set(Some(at));
    Ok(row.update(conn).await?)
}

/// Voids the pending request: the deal changed under it. The trail says why.
pub(super) async fn void(
    conn: &impl ConnectionTrait,
    actor: &Actor,
    request: &approval_request::Model,
    reason: String,
) -> Result<(), CoreError> {
    let now = Utc::now();
    let closed = close(conn, request, ApprovalStatus::Voided, now).await?;
    Trail::new(&closed, "voided", now)
        .step(closed.current_step)
        .comment(Some(reason))
        .write(conn, actor)
        .await
}

async fn set_step(
    conn: &impl ConnectionTrait,
    step: &approval_step::Model,
    status: StepStatus,
    at: DateTime<Utc>,
) -> Result<approval_step::Model, CoreError> {
    let mut row = step.clone().into_active_model();
    row.status = Set(status.as_str().into());
    match status {
        StepStatus::Active => {
            row.started_at = Set(Some(at));
            row.due_at = Set(due_at(step, at));
        }
        _ => row.completed_at = Set(Some(at)),
    }
    Ok(row.update(conn).await?)
}

fn system_actor(organization_id: Uuid) -> Actor {
    Actor {
        organization_id: Some(OrganizationId(organization_id)),
        user_id: None,
        label: Some("Kite".into()),
        client: Default::default(),
    }
}

impl ApprovalService<'_> {
    /// Asks for the move of a deal into a stage a workflow guards.
    pub async fn request(&self, ctx: &Ctx, input: &NewApprovalRequest) -> Result<ApprovalRequestDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(
            check_comment("note", input.note.as_deref(), false)
                .into_iter()
                .collect(),
        )?;
        let txn = self.kite.begin().await?;
        let deal = find_live(&*txn, ctx, input.deal_id).await?;
        require_edit(ctx, deal.owner_id)?;
        let stage = find_stage(&*txn, ctx, input.stage_id)
            .await?
            .filter(|s| s.pipeline_id == deal.pipeline_id)
            .ok_or_else(|| CoreError::field("stage_id", "unknown_stage", "No such stage in this deal's pipeline."))?;
        if stage.id == deal.stage_id {
            return Err(CoreError::field(
                "stage_id",
                "same_stage",
                "The deal is in this stage already.",
            ));
        }
        if let Some(pending) = pending_of(&*txn, &deal).await? {
            return Err(pending_conflict(pending.id));
        }
        let workflow = matching(&*txn, &deal, stage.id).await?.ok_or_else(|| {
            CoreError::field(
                "stage_id",
                "not_guarded",
                "Moving the deal there needs no approval: move it.",
            )
        })?;
        let ask = Ask {
            deal: &deal,
            to: &stage,
            workflow: &workflow,
            requested_by: ctx.user_id.into_uuid(),
            note: input.note.clone(),
        };
        let request = open(self.kite, &*txn, &Actor::from(ctx), ask).await?;
        txn.commit().await?;
        self.kite.counts.invalidate(deal.organization_id, deals::KIND);
        self.get(ctx, request.id).await
    }

    pub async fn approve(&self, ctx: &Ctx, id: Uuid, input: &DecisionInput) -> Result<ApprovalRequestDto, CoreError> {
        self.decide(ctx, id, Decision::Approved, input).await
    }

    /// A rejection says why: the requester is told.
    pub async fn reject(&self, ctx: &Ctx, id: Uuid, input: &DecisionInput) -> Result<ApprovalRequestDto, CoreError> {
        self.decide(ctx, id, Decision::Rejected, input).await
    }

    async fn decide(
        &self,
        ctx: &Ctx,
        id: Uuid,
        decision: Decision,
        input: &DecisionInput,
    ) -> Result<ApprovalRequestDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(
            check_comment("comment", input.comment.as_deref(), decision == Decision::Rejected)
                .into_iter()
                .collect(),
        )?;
        let comment = input
            .comment
            .as_ref()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        let me = ctx.user_id.into_uuid();
        let actor = Actor::from(ctx);
        let txn = self.kite.begin().await?;
        let request = lock_request(&*txn, ctx.organization_id.into_uuid(), id).await?;
        require_pending(&request)?;
        let step = step_at(&*txn, &request, request.current_step).await?;
        let mine = approval_assignment::Entity::find()
            .filter(approval_assignment::Column::StepId.eq(step.id))
            .filter(approval_assignment::Column::UserId.eq(me))
            .one(&*txn)
            .await?
            .ok_or(CoreError::Forbidden)?;
        let already = || CoreError::Conflict {
            code: "already_decided",
            message: "You have decided on this step already.".into(),
            field: None,
            details: None,
        };
        if mine.decision.is_some() {
            return Err(already());
        }
        let now = Utc::now();
        let recorded = approval_assignment::Entity::update_many()
            .col_expr(approval_assignment::Column::Decision, Expr::value(decision.as_str()))
            .col_expr(approval_assignment::Column::Comment, Expr::value(comment.clone()))
            .col_expr(approval_assignment::Column::DecidedAt, Expr::value(now))
            .filter(approval_assignment::Column::Id.eq(mine.id))
            .filter(approval_assignment::Column::Decision.is_null())
            .exec(&*txn)
            .await?;
        if recorded.rows_affected != 1 {
            return Err(already());
        }
        Trail::new(&request, decision.as_str(), now)
            .step(step.position)
            .comment(comment.clone())
            .write(&*txn, &actor)
            .await?;
        let snapshot = snapshot_of(&request)?;
        let mut moved = false;
        match decision {
            Decision::Rejected => {
                set_step(&*txn, &step, StepStatus::Rejected, now).await?;
                let closed = close(&*txn, &request, ApprovalStatus::Rejected, now).await?;
                notify::decided(
                    self.kite,
                    &*txn,
                    &closed,
                    &snapshot,
                    ApprovalStatus::Rejected,
                    &ctx.actor_label,
                    comment.as_deref(),
                )
                .await?;
            }
            Decision::Approved => {
                let step_done = ApprovalMode::parse(&step.mode) == ApprovalMode::Any
                    || undecided_in(&*txn, step.id).await?.is_empty();
                if step_done {
                    set_step(&*txn, &step, StepStatus::Approved, now).await?;
                    if step.position < request.step_count {
                        let next = step_at(&*txn, &request, step.position + 1).await?;
                        set_step(&*txn, &next, StepStatus::Active, now).await?;
                        let mut row = request.clone().into_active_model();
                        row.current_step = Set(next.position);
                        let advanced = row.update(&*txn).await?;
                        let people: Vec<Uuid> = undecided_in(&*txn, next.id).await?.iter().map(|a| a.user_id).collect();
                        notify::step_reached(self.kite, &*txn, &advanced, &snapshot, &next.name, &people).await?;
                    } else {
                        moved = self.apply(&*txn, ctx, &request, &snapshot, now).await?;
                    }
                }
            }
        }
        txn.commit().await?;
        if moved {
            self.kite.counts.invalidate(request.organization_id, deals::KIND);
        }
        self.get(ctx, id).await
    }

    /// The last approval: the held move is made, in the decision's transaction. A deal
    /// or stage gone since voids the request instead. Whether the deal moved.
    async fn apply(
        &self,
        conn: &impl ConnectionTrait,
        ctx: &Ctx,
        request: &approval_request::Model,
        snapshot: &ApprovalSnapshot,
        now: DateTime<Utc>,
    ) -> Result<bool, CoreError> {
        let actor = Actor::from(ctx);
        let deal = deal::Entity::find_by_id(request.deal_id)
            .filter(deal::Column::OrganizationId.eq(request.organization_id))
            .filter(deal::Column::DeletedAt.is_null())
            .one(conn)
            .await?;
        let Some(deal) = deal else {
            void(conn, &actor, request, "The deal was deleted.".into()).await?;
            return Ok(false);
        };
        let stage = find_stage(conn, ctx, snapshot.to_stage_id)
            .await?
            .filter(|s| s.pipeline_id == deal.pipeline_id);
        let Some(stage) = stage else {
            void(
                conn,
                &actor,
                request,
                format!("The stage {} was removed.", snapshot.to_stage_name),
            )
            .await?;
            return Ok(false);
        };
        let closed = close(conn, request, ApprovalStatus::Approved, now).await?;
        let moved = deal.stage_id != stage.id;
        if moved {
            deals::enter_stage(conn, ctx, &deal, &stage).await?;
        }
        Trail::new(&closed, "applied", now)
            .step(closed.current_step)
            .comment(Some(format!("Moved to {}.", stage.name)))
            .write(conn, &actor)
            .await?;
        notify::decided(
            self.kite,
            conn,
            &closed,
            snapshot,
            ApprovalStatus::Approved,
            &ctx.actor_label,
            None,
        )
        .await?;
        Ok(moved)
    }

    /// The requester (or an admin) takes the request back; the deal stays where it is.
    pub async fn withdraw(&self, ctx: &Ctx, id: Uuid, input: &DecisionInput) -> Result<ApprovalRequestDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(
            check_comment("comment", input.comment.as_deref(), false)
                .into_iter()
                .collect(),
        )?;
        let txn = self.kite.begin().await?;
        let request = lock_request(&*txn, ctx.organization_id.into_uuid(), id).await?;
        let mine = request.requested_by == Some(ctx.user_id.into_uuid());
        if !mine && !ctx.role.can(Permission::ManageOrganization) {
            return Err(CoreError::Forbidden);
        }
        require_pending(&request)?;
        let now = Utc::now();
        let closed = close(&*txn, &request, ApprovalStatus::Withdrawn, now).await?;
        Trail::new(&closed, "withdrawn", now)
            .step(closed.current_step)
            .comment(input.comment.clone())
            .write(&*txn, &Actor::from(ctx))
            .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(request.organization_id, deals::KIND);
        self.get(ctx, id).await
    }

    /// Anyone who may edit records may comment, on an open or a closed request.
    pub async fn comment(&self, ctx: &Ctx, id: Uuid, input: &DecisionInput) -> Result<ApprovalRequestDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(
            check_comment("comment", input.comment.as_deref(), true)
                .into_iter()
                .collect(),
        )?;
        let txn = self.kite.begin().await?;
        let request = lock_request(&*txn, ctx.organization_id.into_uuid(), id).await?;
        Trail::new(&request, "commented", Utc::now())
            .step(request.current_step)
            .comment(input.comment.clone())
            .write(&*txn, &Actor::from(ctx))
            .await?;
        txn.commit().await?;
        self.get(ctx, id).await
    }

    /// An admin hands one approver's undecided say in the current step to someone else.
    pub async fn reassign(&self, ctx: &Ctx, id: Uuid, input: &ReassignInput) -> Result<ApprovalRequestDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let org = ctx.organization_id.into_uuid();
        let txn = self.kite.begin().await?;
        let request = lock_request(&*txn, org, id).await?;
        require_pending(&request)?;
        let step = step_at(&*txn, &request, request.current_step).await?;
        let undecided = undecided_in(&*txn, step.id).await?;
        let from = undecided
            .iter()
            .find(|a| a.user_id == input.from_user_id.into_uuid())
            .ok_or_else(|| {
                CoreError::field(
                    "from_user_id",
                    "not_in_step",
                    "This person has no undecided say in the current step.",
                )
            })?;
        let to = input.to_user_id.into_uuid();
        let snapshot = snapshot_of(&request)?;
        let in_step = approval_assignment::Entity::find()
            .filter(approval_assignment::Column::StepId.eq(step.id))
            .filter(approval_assignment::Column::UserId.eq(to))
            .count(&*txn)
            .await?
            > 0;
        let own = snapshot.owner_id.map(UserId::into_uuid) == Some(to) || request.requested_by == Some(to);
        let person = user::Entity::find_by_id(to)
            .filter(user::Column::OrganizationId.eq(org))
            .filter(user::Column::Active.eq(true))
            .filter(user::Column::Role.ne(Role::Viewer.as_str()))
            .one(&*txn)
            .await?;
        let Some(person) = person else {
            return Err(CoreError::field(
                "to_user_id",
                "unknown_user",
                "Choose an active member of your organization who is not a viewer.",
            ));
        };
        if own {
            return Err(CoreError::field(
                "to_user_id",
                "self_approval",
                "The deal's owner and the requester cannot approve it.",
            ));
        }
        if in_step {
            return Err(CoreError::field(
                "to_user_id",
                "already_approver",
                "This person approves this step already.",
            ));
        }
        let from_name = user::Entity::find_by_id(from.user_id)
            .one(&*txn)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let mut row = from.clone().into_active_model();
        row.user_id = Set(to);
        row.update(&*txn).await?;
        Trail::new(&request, "reassigned", Utc::now())
            .step(step.position)
            .comment(Some(format!("From {from_name} to {}.", person.name)))
            .write(&*txn, &Actor::from(ctx))
            .await?;
        notify::step_reached(self.kite, &*txn, &request, &snapshot, &step.name, &[to]).await?;
        txn.commit().await?;
        self.get(ctx, id).await
    }

    /// Queues one reminder job per overdue step not reminded yet; a step's job is
    /// queued once whatever the number of ticks (its idempotency key).
    pub async fn queue_reminders(&self, now: DateTime<Utc>) -> Result<u64, CoreError> {
        let overdue = approval_step::Entity::find()
            .filter(approval_step::Column::Status.eq(StepStatus::Active.as_str()))
            .filter(approval_step::Column::RemindedAt.is_null())
            .filter(approval_step::Column::DueAt.lte(now))
            .all(&self.kite.db)
            .await?;
        for step in &overdue {
            let mut job = NewJob::of(&RemindPayload { step_id: step.id })
                .idempotency_key(format!("approvals.remind:{}", step.id));
            job.organization_id = Some(step.organization_id);
            self.kite.queue().enqueue(&self.kite.db, job).await?;
        }
        Ok(overdue.len() as u64)
    }

    /// Reminds the undecided approvers of an overdue step, once: whether it did.
    pub async fn remind(&self, payload: &RemindPayload) -> Result<bool, CoreError> {
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let marked = approval_step::Entity::update_many()
            .col_expr(approval_step::Column::RemindedAt, Expr::value(now))
            .filter(approval_step::Column::Id.eq(payload.step_id))
            .filter(approval_step::Column::Status.eq(StepStatus::Active.as_str()))
            .filter(approval_step::Column::RemindedAt.is_null())
            .exec(&*txn)
            .await?;
        if marked.rows_affected == 0 {
            return Ok(false);
        }
        let step = approval_step::Entity::find_by_id(payload.step_id)
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("approval step"))?;
        let request = approval_request::Entity::find_by_id(step.request_id)
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("approval request"))?;
        let snapshot = snapshot_of(&request)?;
        let people: Vec<Uuid> = undecided_in(&*txn, step.id).await?.iter().map(|a| a.user_id).collect();
        notify::overdue(self.kite, &*txn, &request, &snapshot, &step.name, &people).await?;
        Trail::new(&request, "reminded", now)
            .step(step.position)
            .write(&*txn, &system_actor(request.organization_id))
            .await?;
        txn.commit().await?;
        Ok(true)
    }
}
