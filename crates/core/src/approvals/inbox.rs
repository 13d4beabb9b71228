//! Reading requests: the inbox's boxes and counts, and one request whole.

use super::{ApprovalService, snapshot_of};
use crate::crm::timeline::user_names;
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx};
use chrono::Utc;
use kite_entity::{approval_action, approval_assignment, approval_request, approval_step};
use kite_shared::Permission;
use kite_shared::UserId;
use kite_shared::approvals::{
    ApprovalActionDto, ApprovalBox, ApprovalCounts, ApprovalListQuery, ApprovalMode, ApprovalRequestDto,
    ApprovalStatus, ApprovalSummary, ApproverDto, Decision, RequestStepDto, StepStatus,
};
use kite_shared::page::{Page, PageQuery};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder, Select};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

fn in_org(ctx: &Ctx) -> Select<approval_request::Entity> {
    approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
}

/// Pending requests whose active step has an undecided say of `user`.
fn waiting_on(select: Select<approval_request::Entity>, user: Uuid) -> Select<approval_request::Entity> {
    select
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()))
        .filter(
            approval_request::Column::Id.in_subquery(
                Query::select()
                    .column((approval_assignment::Entity, approval_assignment::Column::RequestId))
                    .from(approval_assignment::Entity)
                    .inner_join(
                        approval_step::Entity,
                        sea_orm::sea_query::Expr::col((approval_step::Entity, approval_step::Column::Id))
                            .equals((approval_assignment::Entity, approval_assignment::Column::StepId)),
                    )
                    .and_where(approval_assignment::Column::UserId.eq(user))
                    .and_where(approval_assignment::Column::Decision.is_null())
                    .and_where(
                        sea_orm::sea_query::Expr::col((approval_step::Entity, approval_step::Column::Status))
                            .eq(StepStatus::Active.as_str()),
                    )
                    .to_owned(),
            ),
        )
}

/// The summaries of `rows`, with the steps they are at and whether they wait on `me`.
async fn summaries(
    conn: &impl ConnectionTrait,
    me: Uuid,
    rows: Vec<approval_request::Model>,
) -> Result<Vec<ApprovalSummary>, CoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let steps: HashMap<(Uuid, i32), approval_step::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        approval_step::Entity::find()
            .filter(approval_step::Column::RequestId.is_in(ids.clone()))
            .all(conn)
            .await?
            .into_iter()
            .map(|s| ((s.request_id, s.position), s))
            .collect()
    };
    let mine: HashSet<Uuid> = if ids.is_empty() {
        HashSet::new()
    } else {
        approval_assignment::Entity::find()
            .filter(approval_assignment::Column::RequestId.is_in(ids))
            .filter(approval_assignment::Column::UserId.eq(me))
            .filter(approval_assignment::Column::Decision.is_null())
            .all(conn)
            .await?
            .into_iter()
            .map(|a| a.step_id)
            .collect()
    };
    let names = user_names(conn, rows.iter().filter_map(|r| r.requested_by).collect()).await?;
    let now = Utc::now();
    rows.into_iter()
        .map(|row| {
            let step = steps.get(&(row.id, row.current_step));
            let pending = row.status == ApprovalStatus::Pending.as_str();
            Ok(ApprovalSummary {
                id: row.id,
                deal_id: row.deal_id,
                workflow_name: row.workflow_name.clone(),
                status: ApprovalStatus::parse(&row.status).unwrap_or(ApprovalStatus::Voided),
                snapshot: snapshot_of(&row)?,
                requested_by: row.requested_by.map(UserId),
                requester_name: row.requested_by.and_then(|r| names.get(&r).cloned()),
                current_step: u32::try_from(row.current_step).unwrap_or(0),
                step_count: u32::try_from(row.step_count).unwrap_or(0),
                current_step_name: step.map(|s| s.name.clone()).unwrap_or_default(),
                waiting_on_me: pending
                    && step.is_some_and(|s| s.status == StepStatus::Active.as_str() && mine.contains(&s.id)),
                overdue: pending && step.and_then(|s| s.due_at).is_some_and(|due| due < now),
                created_at: row.created_at,
                closed_at: row.closed_at,
            })
        })
        .collect()
}

impl ApprovalService<'_> {
    /// One box of the inbox, newest first: waiting for me, my requests, or (for those
    /// who edit every record) all.
    pub async fn list(
        &self,
        ctx: &Ctx,
        query: &ApprovalListQuery,
        page: &PageQuery,
    ) -> Result<Page<ApprovalSummary>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let me = ctx.user_id.into_uuid();
        let mut select = match query.inbox.unwrap_or_default() {
            ApprovalBox::Waiting => waiting_on(in_org(ctx), me),
            ApprovalBox::Mine => in_org(ctx).filter(approval_request::Column::RequestedBy.eq(me)),
            ApprovalBox::All => {
                ctx.require(Permission::EditAllRecords)?;
                in_org(ctx)
            }
        };
        if let Some(status) = query.status {
            select = select.filter(approval_request::Column::Status.eq(status.as_str()));
        }
        if let Some(deal) = query.deal_id {
            select = select.filter(approval_request::Column::DealId.eq(deal));
        }
        let order = Ordering::fixed(
            "approvals",
            "created_at",
            approval_request::Column::CreatedAt,
            true,
            approval_request::Column::Id,
        )?;
        let rows = paging::page(self.kite, select, &order, &request, Total::Exact).await?;
        Ok(Page {
            items: summaries(&self.kite.db, me, rows.items).await?,
            next_cursor: rows.next_cursor,
            total: rows.total,
        })
    }

    /// Pending requests per box, for the tabs and the sidebar's badge.
    pub async fn counts(&self, ctx: &Ctx) -> Result<ApprovalCounts, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let db = &self.kite.db;
        let me = ctx.user_id.into_uuid();
        let pending = || in_org(ctx).filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()));
        Ok(ApprovalCounts {
            waiting: waiting_on(in_org(ctx), me).count(db).await?,
            mine: pending()
                .filter(approval_request::Column::RequestedBy.eq(me))
                .count(db)
                .await?,
            all: if ctx.role.can(Permission::EditAllRecords) {
                Some(pending().count(db).await?)
            } else {
                None
            },
        })
    }

    /// The request with its steps, approvers and trail, and what the caller may do.
    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<ApprovalRequestDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let db = &self.kite.db;
        let me = ctx.user_id.into_uuid();
        let row = in_org(ctx)
            .filter(approval_request::Column::Id.eq(id))
            .one(db)
            .await?
            .ok_or(CoreError::NotFound("approval request"))?;
        let steps = approval_step::Entity::find()
            .filter(approval_step::Column::RequestId.eq(id))
            .order_by_asc(approval_step::Column::Position)
            .all(db)
            .await?;
        let assignments = approval_assignment::Entity::find()
            .filter(approval_assignment::Column::RequestId.eq(id))
            .order_by_asc(approval_assignment::Column::Id)
            .all(db)
            .await?;
        let actions = approval_action::Entity::find()
            .filter(approval_action::Column::RequestId.eq(id))
            .order_by_asc(approval_action::Column::CreatedAt)
            .order_by_asc(approval_action::Column::Id)
            .all(db)
            .await?;
        let people: Vec<Uuid> = assignments
            .iter()
            .map(|a| a.user_id)
            .chain(actions.iter().filter_map(|a| a.actor_user_id))
            .collect();
        let names = user_names(db, people).await?;
        let name = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| "A former user".into());
        let now = Utc::now();
        let pending = row.status == ApprovalStatus::Pending.as_str();
        let step_dtos: Vec<RequestStepDto> = steps
            .iter()
            .map(|s| RequestStepDto {
                position: u32::try_from(s.position).unwrap_or(0),
                name: s.name.clone(),
                mode: ApprovalMode::parse(&s.mode),
                status: StepStatus::parse(&s.status),
                started_at: s.started_at,
                due_at: s.due_at,
                overdue: s.status == StepStatus::Active.as_str() && s.due_at.is_some_and(|d| d < now),
                completed_at: s.completed_at,
                approvers: assignments
                    .iter()
                    .filter(|a| a.step_id == s.id)
                    .map(|a| ApproverDto {
                        user_id: UserId(a.user_id),
                        name: name(&a.user_id),
                        decision: a.decision.as_deref().and_then(Decision::parse),
                        comment: a.comment.clone(),
                        decided_at: a.decided_at,
                    })
                    .collect(),
            })
            .collect();
        let trail = actions
            .iter()
            .map(|a| ApprovalActionDto {
                id: a.id,
                at: a.created_at,
                action: a.action.clone(),
                actor_id: a.actor_user_id.map(UserId),
                actor_name: a.actor_user_id.map(|u| name(&u)),
                step: a.step.and_then(|s| u32::try_from(s).ok()),
                comment: a.comment.clone(),
            })
            .collect();
        let requested_by_me = row.requested_by == Some(me);
        let summary = summaries(db, me, vec![row]).await?.into_iter().next();
        let summary = summary.ok_or(CoreError::NotFound("approval request"))?;
        let editor = ctx.role.can(Permission::EditOwnRecords);
        let admin = ctx.role.can(Permission::ManageOrganization);
        Ok(ApprovalRequestDto {
            can_decide: editor && summary.waiting_on_me,
            can_withdraw: pending && editor && (requested_by_me || admin),
            can_reassign: pending && admin,
            summary,
            steps: step_dtos,
            trail,
        })
    }
}
