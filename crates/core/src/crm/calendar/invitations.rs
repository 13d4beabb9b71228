//! Meeting invitations: one email per attendee with the event as an `.ics` attachment
//! (METHOD:REQUEST), which mail clients show with accept and decline buttons. Sending
//! again after a change updates the event in their calendars (same UID, later SEQUENCE).

use super::CalendarService;
use super::ics::{self, Organizer};
use crate::audit::{self, Actor, Event};
use crate::crm::access::require_edit;
use crate::crm::activities::{find_live, named_one};
use crate::mail;
use crate::{CoreError, Ctx};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use kite_email::{Attachment, EmailMessage};
use kite_entity::user;
use kite_shared::crm::activities::ActivityDto;
use kite_shared::crm::calendar::InvitationsSent;
use sea_orm::EntityTrait;
use std::str::FromStr;
use uuid::Uuid;

fn when(activity: &ActivityDto, start: DateTime<Utc>) -> String {
    if activity.all_day {
        return format!("{} (all day)", start.format("%a %-d %b %Y"));
    }
    let zone = activity
        .time_zone
        .as_deref()
        .and_then(|z| Tz::from_str(z).ok())
        .unwrap_or(Tz::UTC);
    let local = start.with_timezone(&zone);
    let end = activity
        .ends_at
        .map(|end| format!("–{}", end.with_timezone(&zone).format("%H:%M")))
        .unwrap_or_default();
    format!("{}{end} ({})", local.format("%a %-d %b %Y, %H:%M"), zone.name())
}

fn message(activity: &ActivityDto, organization: Uuid, organizer: &Organizer<'_>, to: &str, ics: &str) -> EmailMessage {
    let start = activity.due_at.unwrap_or(activity.created_at);
    let mut text = format!(
        "{} invites you to \"{}\".\n\nWhen: {}\n",
        organizer.name,
        activity.subject,
        when(activity, start)
    );
    if let Some(location) = &activity.location {
        text.push_str(&format!("Where: {location}\n"));
    }
    if let Some(body) = &activity.body {
        text.push_str(&format!("\n{body}\n"));
    }
    EmailMessage {
        organization_id: Some(organization),
        to: vec![to.to_owned()],
        subject: format!("Invitation: {} — {}", activity.subject, when(activity, start)),
        text_body: text,
        category: "meeting_invitation".into(),
        attachments: vec![Attachment {
            filename: "invite.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=REQUEST".into(),
            content: ics.as_bytes().to_vec(),
        }],
        reply_to: Some(organizer.email.to_owned()),
        ..EmailMessage::default()
    }
}

impl CalendarService<'_> {
    /// Emails every attendee with an address (but the organizer) an invitation.
    pub async fn invite(&self, ctx: &Ctx, id: Uuid) -> Result<InvitationsSent, CoreError> {
        let txn = self.kite.begin().await?;
        let row = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, row.owner_id)?;
        let activity = named_one(&*txn, &row).await?;
        if activity.due_at.is_none() {
            return Err(CoreError::field(
                "due_at",
                "required",
                "An invitation needs a start time.",
            ));
        }
        let organizer_user = user::Entity::find_by_id(row.owner_id.unwrap_or(ctx.user_id.into_uuid()))
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("user"))?;
        let organizer = Organizer {
            name: &organizer_user.name,
            email: &organizer_user.email,
        };
        let mut recipients: Vec<String> = activity
            .attendees
            .iter()
            .filter_map(|a| a.email.clone())
            .filter(|email| !email.eq_ignore_ascii_case(organizer.email))
            .collect();
        recipients.sort();
        recipients.dedup();
        if recipients.is_empty() {
            return Err(CoreError::field(
                "attendees",
                "no_recipients",
                "Add an attendee with an email address to invite.",
            ));
        }
        let mut calendar = ics::calendar(&activity.subject, Some("REQUEST"));
        if let Some(event) = ics::event(&activity, Some(&organizer)) {
            calendar.push(event);
        }
        let text = calendar.done().to_string();
        for to in &recipients {
            mail::queue(
                self.kite,
                &*txn,
                &message(&activity, row.organization_id, &organizer, to, &text),
            )
            .await?;
        }
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("activity.invited", "activity", id).after(serde_json::json!({ "sent_to": recipients })),
        )
        .await?;
        txn.commit().await?;
        Ok(InvitationsSent { sent_to: recipients })
    }
}
