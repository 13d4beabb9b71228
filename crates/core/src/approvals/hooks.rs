//! What deal writes ask of approvals, in their own transaction: may the deal enter this
//! stage, and does a change void the request pending on it.

use super::requests::{Ask, open, pending_of, void};
use super::snapshot_of;
use super::workflows::{matching, steps_of};
use crate::audit::Actor;
use crate::{CoreError, Ctx, Kite};
use kite_entity::{approval_request, approval_workflow, deal, stage};
use kite_shared::approvals::ApprovalStatus;
use kite_shared::crm::deals::PendingApproval;
use kite_shared::crm::money::format_money;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// The pending request of each of `deal_ids` that has one: the board's and the deal
/// page's badge.
/// Scoped to the organization so that its `(organization_id, deal_id, status)` index
/// serves the board's one query.
pub(crate) async fn pending_for(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    deal_ids: &[Uuid],
) -> Result<HashMap<Uuid, PendingApproval>, CoreError> {
    if deal_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = approval_request::Entity::find()
        .filter(approval_request::Column::OrganizationId.eq(organization_id))
        .filter(approval_request::Column::DealId.is_in(deal_ids.to_vec()))
        .filter(approval_request::Column::Status.eq(ApprovalStatus::Pending.as_str()))
        .all(conn)
        .await?;
    let mut pending = HashMap::new();
    for row in rows {
        let snapshot = snapshot_of(&row)?;
        pending.insert(
            row.deal_id,
            PendingApproval {
                request_id: row.id,
                to_stage_id: snapshot.to_stage_id,
                to_stage_name: snapshot.to_stage_name,
            },
        );
    }
    Ok(pending)
}

fn approval_required(workflow: &approval_workflow::Model, stage: &stage::Model) -> CoreError {
    let steps: Vec<String> = steps_of(workflow).into_iter().map(|s| s.name).collect();
    CoreError::Conflict {
        code: "approval_required",
        message: format!(
            "Moving this deal to {} needs approval ({}): ask for it.",
            stage.name, workflow.name
        ),
        field: Some("stage_id"),
        details: Some(json!({
            "workflow_id": workflow.id,
            "workflow_name": workflow.name,
            "stage_id": stage.id,
            "stage_name": stage.name,
            "steps": steps,
        })),
    }
}

/// A new deal may not start in a stage a workflow would hold it out of.
pub(crate) async fn guard_create(
    conn: &impl ConnectionTrait,
    created: &deal::Model,
    stage: &stage::Model,
) -> Result<(), CoreError> {
    match matching(conn, created, stage.id).await? {
        Some(workflow) => Err(CoreError::Validation(vec![kite_shared::FieldError::new(
            "stage_id",
            "approval_required",
            format!(
                "Deals enter {} only with approval ({}): create it in an earlier stage, then ask.",
                stage.name, workflow.name
            ),
        )])),
        None => Ok(()),
    }
}

/// `moved` (the deal as it would be saved) entering `stage`: a guarded stage refuses it
/// with what the request dialog needs; any other voids the request pending on it.
pub(crate) async fn guard_move(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    moved: &deal::Model,
    stage: &stage::Model,
) -> Result<(), CoreError> {
    let pending = pending_of(conn, moved).await?;
    if let Some(workflow) = matching(conn, moved, stage.id).await? {
        return Err(match pending {
            Some(request) => CoreError::Conflict {
                code: "approval_pending",
                message: "This deal already waits for an approval: decide or withdraw that request first.".into(),
                field: Some("stage_id"),
                details: Some(json!({"request_id": request.id})),
            },
            None => approval_required(&workflow, stage),
        });
    }
    if let Some(request) = pending {
        void(
            conn,
            &Actor::from(ctx),
            &request,
            format!("The deal was moved to {} instead.", stage.name),
        )
        .await?;
    }
    Ok(())
}

/// A deal saved in its stage with another value, currency or discount: the request
/// pending on it no longer describes it, so it is voided and, if a workflow still holds
/// the move, asked again for the original requester.
pub(crate) async fn on_deal_saved(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    before: &deal::Model,
    after: &deal::Model,
) -> Result<(), CoreError> {
    let changed = before.value_minor != after.value_minor
        || before.currency != after.currency
        || before.discount_percent != after.discount_percent;
    if !changed {
        return Ok(());
    }
    let Some(request) = pending_of(conn, after).await? else {
        return Ok(());
    };
    let actor = Actor::from(ctx);
    let discount = |d: Option<i32>| d.map_or("none".to_owned(), |d| format!("{d}%"));
    let reason = format!(
        "The deal changed while it waited: value {} → {}, discount {} → {}.",
        format_money(before.value_minor, &before.currency),
        format_money(after.value_minor, &after.currency),
        discount(before.discount_percent),
        discount(after.discount_percent),
    );
    void(conn, &actor, &request, reason).await?;
    let snapshot = snapshot_of(&request)?;
    let Some(stage) = stage::Entity::find_by_id(snapshot.to_stage_id)
        .filter(stage::Column::DeletedAt.is_null())
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let Some(workflow) = matching(conn, after, stage.id).await? else {
        return Ok(());
    };
    let requester = request.requested_by.unwrap_or(ctx.user_id.into_uuid());
    let note = Some("Asked again: the deal changed while the first request waited.".to_owned());
    let ask = Ask {
        deal: after,
        to: &stage,
        workflow: &workflow,
        requested_by: requester,
        note,
    };
    match open(kite, conn, &actor, ask).await {
        // Nobody left to approve it: the request stays voided and the deal where it is.
        Err(CoreError::Conflict {
            code: "no_approver", ..
        }) => Ok(()),
        other => other.map(drop),
    }
}
