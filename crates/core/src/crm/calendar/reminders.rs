//! Reminders N minutes before an event or a task's due time: an email and an in-app
//! notice over the event stream, to the owner, once. A tick queues a job per due
//! reminder (keyed, so two instances queue one); the job marks the reminder sent in the
//! transaction that queues the email, so a retry or a second worker sends nothing more.

use super::CalendarService;
use crate::CoreError;
use crate::events::Envelope;
use crate::jobs::{JobPayload, NewJob};
use crate::mail;
use chrono::{DateTime, Duration, Utc};
use kite_email::EmailMessage;
use kite_entity::{activity, user};
use kite_shared::crm::activities::ActivityKind;
use kite_shared::jobs::ServerEvent;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A reminder found this late (the server was down) is no longer worth sending.
const STALE_AFTER_HOURS: i64 = 6;
const BATCH: u64 = 500;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RemindPayload {
    pub activity_id: Uuid,
    /// The reminder time it was queued for: a reschedule since makes it void.
    pub remind_at: DateTime<Utc>,
}

impl JobPayload for RemindPayload {
    const KIND: &'static str = "calendar.remind";
}

fn email(row: &activity::Model, owner: &user::Model, public_url: &str) -> EmailMessage {
    let kind = ActivityKind::parse(&row.kind);
    let start = row.due_at.unwrap_or(row.created_at);
    let minutes = row.reminder_minutes.unwrap_or(0);
    let lead = if minutes == 0 {
        "now".to_owned()
    } else {
        format!("in {minutes} minutes")
    };
    let verb = if kind == ActivityKind::Task { "is due" } else { "starts" };
    EmailMessage {
        organization_id: Some(row.organization_id),
        to: vec![owner.email.clone()],
        subject: format!("Reminder: {} {verb} {lead}", row.subject),
        text_body: format!(
            "Hi {name},\n\n{label} \"{subject}\" {verb} {lead} ({at} UTC).\n\nOpen your calendar: {url}/calendar\n",
            name = owner.name,
            label = kind.label(),
            subject = row.subject,
            at = start.format("%a %-d %b %Y, %H:%M"),
            url = public_url.trim_end_matches('/'),
        ),
        category: "reminder".into(),
        ..EmailMessage::default()
    }
}

impl CalendarService<'_> {
    /// Queues a job for each reminder that is due and not yet sent.
    pub async fn queue_reminders(&self, now: DateTime<Utc>) -> Result<u64, CoreError> {
        let due = activity::Entity::find()
            .filter(activity::Column::RemindAt.lte(now))
            .filter(activity::Column::RemindAt.gt(now - Duration::hours(STALE_AFTER_HOURS)))
            .filter(activity::Column::RemindedAt.is_null())
            .filter(activity::Column::DeletedAt.is_null())
            .filter(activity::Column::DoneAt.is_null())
            .filter(activity::Column::OwnerId.is_not_null())
            .limit(BATCH)
            .all(&self.kite.db)
            .await?;
        for row in &due {
            let Some(remind_at) = row.remind_at else { continue };
            let mut job = NewJob::of(&RemindPayload {
                activity_id: row.id,
                remind_at,
            })
            .idempotency_key(format!("calendar.remind:{}:{}", row.id, remind_at.timestamp()));
            job.organization_id = Some(row.organization_id);
            self.kite.queue().enqueue(&self.kite.db, job).await?;
        }
        Ok(due.len() as u64)
    }

    /// Sends one reminder unless it was sent, moved, done or deleted since: whether it did.
    pub async fn remind(&self, payload: &RemindPayload) -> Result<bool, CoreError> {
        let txn = self.kite.begin().await?;
        let marked = activity::Entity::update_many()
            .col_expr(activity::Column::RemindedAt, Expr::value(Utc::now()))
            .filter(activity::Column::Id.eq(payload.activity_id))
            .filter(activity::Column::RemindAt.eq(payload.remind_at))
            .filter(activity::Column::RemindedAt.is_null())
            .filter(activity::Column::DeletedAt.is_null())
            .filter(activity::Column::DoneAt.is_null())
            .exec(&*txn)
            .await?;
        if marked.rows_affected == 0 {
            return Ok(false);
        }
        let row = activity::Entity::find_by_id(payload.activity_id)
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("activity"))?;
        let Some(owner) = user::Entity::find_by_id(row.owner_id.unwrap_or_default())
            .filter(user::Column::Active.eq(true))
            .one(&*txn)
            .await?
        else {
            // Nobody to remind; the mark keeps it from being tried again.
            txn.commit().await?;
            return Ok(false);
        };
        mail::queue(self.kite, &*txn, &email(&row, &owner, &self.kite.settings.public_url)).await?;
        txn.commit().await?;
        self.kite
            .events
            .publish(
                &self.kite.db,
                Envelope {
                    organization_id: row.organization_id,
                    user_id: Some(owner.id),
                    event: ServerEvent::Reminder {
                        activity_id: row.id,
                        activity_kind: ActivityKind::parse(&row.kind),
                        subject: row.subject.clone(),
                        due_at: row.due_at.unwrap_or(row.created_at),
                    },
                },
            )
            .await;
        Ok(true)
    }
}
