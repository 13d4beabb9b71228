//! The emails of approvals, queued in the transaction of what they tell: a link straight
//! to the request in every one.

use crate::{CoreError, Kite, mail};
use kite_email::EmailMessage;
use kite_entity::{approval_request, user};
use kite_shared::approvals::{ApprovalSnapshot, ApprovalStatus};
use kite_shared::crm::money::format_money;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

pub(super) const CATEGORY_REQUEST: &str = "approval_request";
pub(super) const CATEGORY_DECISION: &str = "approval_decision";
pub(super) const CATEGORY_REMINDER: &str = "approval_reminder";

fn link(kite: &Kite, request: &approval_request::Model) -> String {
    format!(
        "{}/approvals/{}",
        kite.settings.public_url.trim_end_matches('/'),
        request.id
    )
}

fn what(snapshot: &ApprovalSnapshot) -> String {
    format!(
        "“{}” ({}{}) into {}",
        snapshot.title,
        format_money(snapshot.value.minor, &snapshot.value.currency),
        snapshot
            .discount_percent
            .map(|d| format!(", {d}% discount"))
            .unwrap_or_default(),
        snapshot.to_stage_name
    )
}

async fn active_users(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<user::Model>, CoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids.to_vec()))
        .filter(user::Column::Active.eq(true))
        .all(conn)
        .await?)
}

async fn send_each(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    request: &approval_request::Model,
    to: &[Uuid],
    category: &str,
    subject: &str,
    body: impl Fn(&str) -> String,
) -> Result<(), CoreError> {
    for person in active_users(conn, to).await? {
        let message = EmailMessage {
            organization_id: Some(request.organization_id),
            to: vec![person.email.clone()],
            subject: subject.to_owned(),
            text_body: body(&person.name),
            html_body: None,
            category: category.into(),
            attachments: Vec::new(),
            ..EmailMessage::default()
        };
        mail::queue(kite, conn, &message).await?;
    }
    Ok(())
}

/// A step's approvers are asked for their decision (a reassigned approver too).
pub(super) async fn step_reached(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    request: &approval_request::Model,
    snapshot: &ApprovalSnapshot,
    step_name: &str,
    approvers: &[Uuid],
) -> Result<(), CoreError> {
    let url = link(kite, request);
    let subject = format!("Approval needed: {}", snapshot.title);
    send_each(kite, conn, request, approvers, CATEGORY_REQUEST, &subject, |name| {
        format!(
            "Hi {name},\n\nThe move of {what} waits for your decision ({workflow}, step “{step_name}”).\n\n\
             Approve or reject it here:\n\n{url}\n",
            what = what(snapshot),
            workflow = request.workflow_name,
        )
    })
    .await
}

/// The approvers of an overdue step are reminded, once.
pub(super) async fn overdue(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    request: &approval_request::Model,
    snapshot: &ApprovalSnapshot,
    step_name: &str,
    approvers: &[Uuid],
) -> Result<(), CoreError> {
    let url = link(kite, request);
    let subject = format!("Overdue approval: {}", snapshot.title);
    send_each(kite, conn, request, approvers, CATEGORY_REMINDER, &subject, |name| {
        format!(
            "Hi {name},\n\nStep “{step_name}” of the approval of {what} is past its due time and still \
             waits for your decision.\n\n{url}\n",
            what = what(snapshot),
        )
    })
    .await
}

/// The requester learns how it ended, and why when it was rejected.
pub(super) async fn decided(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    request: &approval_request::Model,
    snapshot: &ApprovalSnapshot,
    status: ApprovalStatus,
    by: &str,
    comment: Option<&str>,
) -> Result<(), CoreError> {
    let Some(requester) = request.requested_by else {
        return Ok(());
    };
    let url = link(kite, request);
    let outcome = match status {
        ApprovalStatus::Approved => "was approved: the deal has moved",
        _ => "was rejected: the deal stays where it was",
    };
    let subject = format!("{}: {}", status.label(), snapshot.title);
    let reason = comment.map(|c| format!("\n{by} wrote:\n{c}\n")).unwrap_or_default();
    send_each(kite, conn, request, &[requester], CATEGORY_DECISION, &subject, |name| {
        format!(
            "Hi {name},\n\nYour request to move {what} {outcome} (last decision by {by}).\n{reason}\n{url}\n",
            what = what(snapshot),
        )
    })
    .await
}
