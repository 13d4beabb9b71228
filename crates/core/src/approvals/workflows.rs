//! The workflows an admin defines, and which of them holds a move.
//!
//! Conditions are strict: a workflow "over 10,000 EUR" holds a deal worth 10,000.01 and
//! lets one worth exactly 10,000 through; the same for the discount. When several match,
//! the one with the lowest priority runs (the oldest among equals), and only that one.

use super::ApprovalService;
use crate::audit::{self, Actor, Event};
use crate::crm::deals::write::DEFAULT_CURRENCY;
use crate::crm::pipelines::find_stage;
use crate::{CoreError, Ctx};
use chrono::Utc;
use kite_entity::{approval_workflow, deal, stage, user};
use kite_shared::approvals::{ApprovalStep, ApprovalWorkflowDto, ApprovalWorkflowInput, PreviewDeal, WorkflowPreview};
use kite_shared::crm::Money;
use kite_shared::crm::deals::DealStatus;
use kite_shared::crm::pipelines::StageKind;
use kite_shared::{FieldError, Permission, Role};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

const PREVIEW_DEALS: u64 = 20;

pub(super) fn steps_of(row: &approval_workflow::Model) -> Vec<ApprovalStep> {
    serde_json::from_str(&row.steps).unwrap_or_default()
}

fn owner_roles_of(row: &approval_workflow::Model) -> Vec<Role> {
    serde_json::from_str(&row.owner_roles).unwrap_or_default()
}

fn min_value_of(row: &approval_workflow::Model) -> Option<Money> {
    Some(Money {
        minor: row.min_value_minor?,
        currency: row.min_value_currency.clone()?,
    })
}

fn workflow_dto(row: &approval_workflow::Model, stage_names: &HashMap<Uuid, String>) -> ApprovalWorkflowDto {
    ApprovalWorkflowDto {
        id: row.id,
        name: row.name.clone(),
        active: row.active,
        priority: row.priority,
        pipeline_id: row.pipeline_id,
        stage_id: row.stage_id,
        stage_name: stage_names
            .get(&row.stage_id)
            .cloned()
            .unwrap_or_else(|| "a removed stage".into()),
        min_value: min_value_of(row),
        min_discount_percent: row.min_discount_percent,
        owner_roles: owner_roles_of(row),
        steps: steps_of(row),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn snapshot(row: &approval_workflow::Model) -> serde_json::Value {
    json!({
        "name": row.name, "active": row.active, "priority": row.priority, "stage_id": row.stage_id,
        "min_value_minor": row.min_value_minor, "min_value_currency": row.min_value_currency,
        "min_discount_percent": row.min_discount_percent, "owner_roles": owner_roles_of(row),
        "steps": steps_of(row),
    })
}

async fn stage_names(conn: &impl ConnectionTrait, organization_id: Uuid) -> Result<HashMap<Uuid, String>, CoreError> {
    Ok(stage::Entity::find()
        .filter(stage::Column::OrganizationId.eq(organization_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

fn live(organization_id: Uuid) -> Select<approval_workflow::Entity> {
    approval_workflow::Entity::find()
        .filter(approval_workflow::Column::OrganizationId.eq(organization_id))
        .filter(approval_workflow::Column::DeletedAt.is_null())
}

/// The rules that need the database: the stage is one of the organization's and not a
/// lost one, every named approver is an active member who may approve, and an amount is
/// in a currency the organization's deals use.
async fn check(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    input: &ApprovalWorkflowInput,
) -> Result<stage::Model, CoreError> {
    CoreError::validation(input.validate())?;
    let org = ctx.organization_id.into_uuid();
    let mut errors = Vec::new();
    let stage = find_stage(conn, ctx, input.stage_id).await?;
    match &stage {
        None => errors.push(FieldError::new("stage_id", "unknown_stage", "No such stage.")),
        Some(s) if s.kind == StageKind::Lost.as_str() => errors.push(FieldError::new(
            "stage_id",
            "lost_stage",
            "Losing a deal needs no approval: choose an open or won stage.",
        )),
        Some(_) => {}
    }
    let named: Vec<Uuid> = input
        .steps
        .iter()
        .flat_map(|s| s.approver_ids.iter().map(|u| u.into_uuid()))
        .collect();
    let approvers: HashSet<Uuid> = if named.is_empty() {
        HashSet::new()
    } else {
        user::Entity::find()
            .filter(user::Column::OrganizationId.eq(org))
            .filter(user::Column::Active.eq(true))
            .filter(user::Column::Role.ne(Role::Viewer.as_str()))
            .filter(user::Column::Id.is_in(named))
            .all(conn)
            .await?
            .into_iter()
            .map(|u| u.id)
            .collect()
    };
    for (i, step) in input.steps.iter().enumerate() {
        if step.approver_ids.iter().any(|u| !approvers.contains(&u.into_uuid())) {
            errors.push(FieldError::new(
                &format!("steps[{i}].approver_ids"),
                "unknown_user",
                "Every approver must be an active member of your organization who is not a viewer.",
            ));
        }
    }
    if let Some(value) = &input.min_value {
        let currency = value.currency.trim().to_uppercase();
        let used = currency == DEFAULT_CURRENCY
            || deal::Entity::find()
                .filter(deal::Column::OrganizationId.eq(org))
                .filter(deal::Column::DeletedAt.is_null())
                .filter(deal::Column::Currency.eq(currency.as_str()))
                .one(conn)
                .await?
                .is_some();
        if !used {
            errors.push(FieldError::new(
                "min_value.currency",
                "unused_currency",
                format!("None of your deals is in {currency}: the condition would never hold."),
            ));
        }
    }
    CoreError::validation(errors)?;
    stage.ok_or(CoreError::NotFound("stage"))
}

fn fill(row: &mut approval_workflow::ActiveModel, input: &ApprovalWorkflowInput, stage: &stage::Model) {
    let mut steps = input.steps.clone();
    for step in &mut steps {
        step.name = step.name.trim().to_owned();
        step.approver_ids.dedup();
        step.approver_roles.dedup();
    }
    row.name = Set(input.name.trim().to_owned());
    row.active = Set(input.active);
    row.priority = Set(input.priority);
    row.pipeline_id = Set(stage.pipeline_id);
    row.stage_id = Set(stage.id);
    row.min_value_minor = Set(input.min_value.as_ref().map(|v| v.minor));
    row.min_value_currency = Set(input.min_value.as_ref().map(|v| v.currency.trim().to_uppercase()));
    row.min_discount_percent = Set(input.min_discount_percent);
    row.owner_roles = Set(serde_json::to_string(&input.owner_roles).unwrap_or_else(|_| "[]".into()));
    row.steps = Set(serde_json::to_string(&steps).unwrap_or_else(|_| "[]".into()));
}

/// Whether `row`'s conditions hold for `deal`, whose owner has `owner_role`.
fn holds(row: &approval_workflow::Model, deal: &deal::Model, owner_role: Option<Role>) -> bool {
    let value = min_value_of(row).is_none_or(|min| deal.currency == min.currency && deal.value_minor > min.minor);
    let discount = row
        .min_discount_percent
        .is_none_or(|min| deal.discount_percent.unwrap_or(0) > min);
    let roles = owner_roles_of(row);
    let owner = roles.is_empty() || owner_role.is_some_and(|r| roles.contains(&r));
    value && discount && owner
}

/// The workflow that holds `deal` entering `stage_id`, if any does.
pub(super) async fn matching(
    conn: &impl ConnectionTrait,
    deal: &deal::Model,
    stage_id: Uuid,
) -> Result<Option<approval_workflow::Model>, CoreError> {
    let candidates = live(deal.organization_id)
        .filter(approval_workflow::Column::Active.eq(true))
        .filter(approval_workflow::Column::StageId.eq(stage_id))
        .order_by_asc(approval_workflow::Column::Priority)
        .order_by_asc(approval_workflow::Column::CreatedAt)
        .order_by_asc(approval_workflow::Column::Id)
        .all(conn)
        .await?;
    if candidates.is_empty() {
        return Ok(None);
    }
    let owner_role = match deal.owner_id {
        Some(owner) => user::Entity::find_by_id(owner)
            .one(conn)
            .await?
            .and_then(|u| u.role.parse::<Role>().ok()),
        None => None,
    };
    Ok(candidates.into_iter().find(|w| holds(w, deal, owner_role)))
}

impl ApprovalService<'_> {
    /// The organization's workflows, in the order they are tried.
    pub async fn list_workflows(&self, ctx: &Ctx) -> Result<Vec<ApprovalWorkflowDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let org = ctx.organization_id.into_uuid();
        let db = &self.kite.db;
        let rows = live(org)
            .order_by_asc(approval_workflow::Column::Priority)
            .order_by_asc(approval_workflow::Column::CreatedAt)
            .order_by_asc(approval_workflow::Column::Id)
            .all(db)
            .await?;
        let names = stage_names(db, org).await?;
        Ok(rows.iter().map(|w| workflow_dto(w, &names)).collect())
    }

    pub async fn get_workflow(&self, ctx: &Ctx, id: Uuid) -> Result<ApprovalWorkflowDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let org = ctx.organization_id.into_uuid();
        let row = live(org)
            .filter(approval_workflow::Column::Id.eq(id))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("approval workflow"))?;
        Ok(workflow_dto(&row, &stage_names(&self.kite.db, org).await?))
    }

    pub async fn create_workflow(
        &self,
        ctx: &Ctx,
        input: &ApprovalWorkflowInput,
    ) -> Result<ApprovalWorkflowDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let txn = self.kite.begin().await?;
        let stage = check(&*txn, ctx, input).await?;
        let now = Utc::now();
        let mut row = approval_workflow::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            ..Default::default()
        };
        fill(&mut row, input, &stage);
        let row = row.insert(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("approval_workflow.created", "approval_workflow", row.id).after(snapshot(&row)),
        )
        .await?;
        txn.commit().await?;
        self.get_workflow(ctx, row.id).await
    }

    /// Requests already made keep the steps they were made with.
    pub async fn update_workflow(
        &self,
        ctx: &Ctx,
        id: Uuid,
        input: &ApprovalWorkflowInput,
    ) -> Result<ApprovalWorkflowDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let txn = self.kite.begin().await?;
        let before = live(ctx.organization_id.into_uuid())
            .filter(approval_workflow::Column::Id.eq(id))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("approval workflow"))?;
        let stage = check(&*txn, ctx, input).await?;
        let mut row = before.clone().into_active_model();
        fill(&mut row, input, &stage);
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("approval_workflow.updated", "approval_workflow", id)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        txn.commit().await?;
        self.get_workflow(ctx, id).await
    }

    /// Pending requests of the workflow go on: they were made with its steps.
    pub async fn delete_workflow(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let txn = self.kite.begin().await?;
        let before = live(ctx.organization_id.into_uuid())
            .filter(approval_workflow::Column::Id.eq(id))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("approval workflow"))?;
        let mut row = before.clone().into_active_model();
        row.deleted_at = Set(Some(Utc::now()));
        row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("approval_workflow.deleted", "approval_workflow", id).before(snapshot(&before)),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The open deals of the stage's pipeline, not in the stage yet, that the workflow as
    /// drafted would hold if they were moved into it today.
    pub async fn preview(&self, ctx: &Ctx, input: &ApprovalWorkflowInput) -> Result<WorkflowPreview, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let db = &self.kite.db;
        let stage = check(db, ctx, input).await?;
        let org = ctx.organization_id.into_uuid();
        let mut select = deal::Entity::find()
            .filter(deal::Column::OrganizationId.eq(org))
            .filter(deal::Column::DeletedAt.is_null())
            .filter(deal::Column::PipelineId.eq(stage.pipeline_id))
            .filter(deal::Column::StageId.ne(stage.id))
            .filter(deal::Column::Status.eq(DealStatus::Open.as_str()));
        if let Some(min) = &input.min_value {
            select = select
                .filter(deal::Column::Currency.eq(min.currency.trim().to_uppercase()))
                .filter(deal::Column::ValueMinor.gt(min.minor));
        }
        if let Some(min) = input.min_discount_percent {
            // No discount is none at all, which no minimum (0 or more) is below.
            select = select.filter(deal::Column::DiscountPercent.gt(min));
        }
        if !input.owner_roles.is_empty() {
            let roles: Vec<&str> = input.owner_roles.iter().map(|r| r.as_str()).collect();
            select = select.filter(
                deal::Column::OwnerId.in_subquery(
                    Query::select()
                        .column(user::Column::Id)
                        .from(user::Entity)
                        .and_where(user::Column::OrganizationId.eq(org))
                        .and_where(user::Column::Role.is_in(roles))
                        .to_owned(),
                ),
            );
        }
        let count = select.clone().count(db).await?;
        let rows = select
            .order_by_desc(deal::Column::ValueMinor)
            .order_by_asc(deal::Column::Id)
            .limit(PREVIEW_DEALS)
            .all(db)
            .await?;
        let names = stage_names(db, org).await?;
        Ok(WorkflowPreview {
            deals: rows
                .into_iter()
                .map(|d| PreviewDeal {
                    id: d.id,
                    stage_name: names.get(&d.stage_id).cloned().unwrap_or_default(),
                    title: d.title,
                    value: Money {
                        minor: d.value_minor,
                        currency: d.currency,
                    },
                })
                .collect(),
            count,
        })
    }
}
