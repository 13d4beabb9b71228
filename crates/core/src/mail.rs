//! The emails the core sends, and how it sends them.

use crate::jobs::{JobPayload, NewJob};
use crate::{CoreError, Kite, Settings};
use kite_email::EmailMessage;
use kite_entity::user;
use sea_orm::ConnectionTrait;

/// The job kind that sends one email through the EmailSender.
pub const SEND_EMAIL: &str = "email.send";

impl JobPayload for EmailMessage {
    const KIND: &'static str = SEND_EMAIL;
}

/// Queues the email in the transaction of the change it belongs to: it leaves only if
/// the change is committed, and a worker sends it (retrying while the mail service is
/// down) without keeping the user waiting.
pub(crate) async fn queue(kite: &Kite, conn: &impl ConnectionTrait, message: &EmailMessage) -> Result<(), CoreError> {
    let mut job = NewJob::of(message);
    job.organization_id = message.organization_id;
    kite.queue().enqueue(conn, job).await?;
    Ok(())
}

fn link(settings: &Settings, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", settings.public_url.trim_end_matches('/'))
}

pub(crate) fn password_reset(settings: &Settings, user: &user::Model, token: &str) -> EmailMessage {
    let url = link(settings, "/reset-password", token);
    let minutes = settings.password_reset_ttl.num_minutes();
    EmailMessage {
        organization_id: Some(user.organization_id),
        to: vec![user.email.clone()],
        subject: "Reset your Kite password".into(),
        text_body: format!(
            "Hi {name},\n\nSomeone asked to reset the password of your Kite account. \
             If it was you, open this link within {minutes} minutes to choose a new one:\n\n{url}\n\n\
             If it was not you, ignore this email; your password stays as it is.\n",
            name = user.name
        ),
        html_body: None,
        category: "password_reset".into(),
        attachments: Vec::new(),
        ..EmailMessage::default()
    }
}

pub(crate) fn invitation(
    settings: &Settings,
    invitee: &user::Model,
    inviter_name: &str,
    organization_name: &str,
    token: &str,
) -> EmailMessage {
    let url = link(settings, "/accept-invite", token);
    let days = settings.invitation_ttl.num_days();
    EmailMessage {
        organization_id: Some(invitee.organization_id),
        to: vec![invitee.email.clone()],
        subject: format!("{inviter_name} invited you to {organization_name} on Kite"),
        text_body: format!(
            "Hi {name},\n\n{inviter_name} invited you to join {organization_name} on Kite. \
             Open this link within {days} days to set your password:\n\n{url}\n",
            name = invitee.name
        ),
        html_body: None,
        category: "invitation".into(),
        attachments: Vec::new(),
        ..EmailMessage::default()
    }
}
