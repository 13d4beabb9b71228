//! Approval workflows: which deal moves need whose sign-off ([`workflows`]), the
//! requests that hold those moves and the decisions on them ([`requests`]), and the
//! inbox that lists them ([`inbox`]).
//!
//! A decision runs in one write transaction that first locks the request (`FOR UPDATE`
//! on PostgreSQL; SQLite's writers take turns), so two approvers deciding at once, or
//! one clicking twice, are applied one after the other and the second sees what the
//! first did. The held move is applied in the transaction of the last approval.

mod hooks;
mod inbox;
mod notify;
mod requests;
mod workflows;

pub(crate) use hooks::{guard_create, guard_move, on_deal_saved, pending_for};
pub use requests::RemindPayload;

use crate::audit::{self, Actor, Event};
use crate::{CoreError, Kite};
use chrono::{DateTime, Utc};
use kite_entity::{approval_action, approval_request};
use kite_shared::approvals::{ApprovalSnapshot, ApprovalStatus};
use sea_orm::ColumnTrait;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

pub struct ApprovalService<'a> {
    kite: &'a Kite,
}

impl<'a> ApprovalService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }
}

pub(crate) fn snapshot_of(request: &approval_request::Model) -> Result<ApprovalSnapshot, CoreError> {
    serde_json::from_str(&request.snapshot)
        .map_err(|e| CoreError::Internal(format!("approval request {} has a bad snapshot: {e}", request.id)))
}

/// The request of the caller's organization, locked until the transaction ends where
/// the database can lock a row (PostgreSQL); 404 for another organization's.
async fn lock_request(
    conn: &impl ConnectionTrait,
    organization_id: Uuid,
    id: Uuid,
) -> Result<approval_request::Model, CoreError> {
    let mut select =
        approval_request::Entity::find_by_id(id).filter(approval_request::Column::OrganizationId.eq(organization_id));
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        select = select.lock_exclusive();
    }
    select.one(conn).await?.ok_or(CoreError::NotFound("approval request"))
}

/// 409 unless the request still waits for decisions.
fn require_pending(request: &approval_request::Model) -> Result<(), CoreError> {
    if request.status == ApprovalStatus::Pending.as_str() {
        return Ok(());
    }
    let status = ApprovalStatus::parse(&request.status).map_or("closed", |s| s.as_str());
    Err(CoreError::Conflict {
        code: "approval_closed",
        message: format!("This request is {status}: nothing more can be decided on it."),
        field: None,
        details: Some(json!({"status": request.status})),
    })
}

/// One line of the trail: the request's action row and its audit row (with the domain
/// event it announces), in the transaction of what it records.
struct Trail<'r> {
    request: &'r approval_request::Model,
    action: &'static str,
    step: Option<i32>,
    comment: Option<String>,
    at: DateTime<Utc>,
}

impl<'r> Trail<'r> {
    fn new(request: &'r approval_request::Model, action: &'static str, at: DateTime<Utc>) -> Self {
        Self {
            request,
            action,
            step: None,
            comment: None,
            at,
        }
    }

    fn step(mut self, position: i32) -> Self {
        self.step = Some(position);
        self
    }

    fn comment(mut self, comment: Option<String>) -> Self {
        self.comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        self
    }

    async fn write(self, conn: &impl ConnectionTrait, actor: &Actor) -> Result<(), CoreError> {
        approval_action::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(self.request.organization_id),
            request_id: Set(self.request.id),
            deal_id: Set(self.request.deal_id),
            actor_user_id: Set(actor.user_id.map(|u| u.into_uuid())),
            action: Set(self.action.to_owned()),
            step: Set(self.step),
            comment: Set(self.comment.clone()),
            created_at: Set(self.at),
        }
        .insert(conn)
        .await?;
        let action = format!("approval.{}", self.action);
        audit::record(
            conn,
            actor,
            Event::new(&action, "approval", self.request.id).after(json!({
                "deal_id": self.request.deal_id,
                "workflow": self.request.workflow_name,
                "step": self.step,
                "comment": self.comment,
            })),
        )
        .await
    }
}
