//! Email marketing: templates ([`templates`]), the suppression list
//! ([`suppressions`]), campaigns and their audiences ([`campaigns`], [`audience`]),
//! the batch sender ([`sending`]), tracked opens, clicks and unsubscribes
//! ([`tracking`]) and SendGrid's events ([`provider_events`]); sequences ([`sequences`]),
//! who is enrolled ([`enrollments`]) and how each step runs ([`sequence_steps`]);
//! one email to one contact ([`letter`]), from a user or from a sequence; replies and
//! other mail from contacts ([`inbound`]).
//!
//! Every email is a row of `emails`, made before it is sent; its id is the idempotency
//! key the provider carries back. A batch marks its emails `sending` and commits
//! before handing them over, and records the outcome after: an email left `sending` by
//! a crash is settled by the provider's events (or by the outbox, which can tell), and
//! only sent again once the reconciliation window has passed without either.

mod audience;
mod campaigns;
mod context;
mod enrollments;
mod inbound;
mod letter;
mod one_off;
mod provider_events;
pub mod render;
mod sending;
mod sequence_steps;
mod sequences;
mod suppressions;
mod templates;
pub mod tokens;
mod tracking;

pub use inbound::{InboundFields, InboundMessage, MalformedInbound};
pub use provider_events::{MAX_EVENTS as MAX_PROVIDER_EVENTS, ProviderEventsOutcome};
pub use sending::{BatchOutcome, SendBatch};
pub use sequence_steps::{AdvanceEnrollment, StepOutcome};
pub use tracking::{Click, Unsubscribed};

use crate::{CoreError, Kite};
use chrono::{DateTime, Utc};
use kite_entity::{email, user};
use kite_shared::marketing::emails::EmailStatus;
use sea_orm::Set;
use uuid::Uuid;

pub struct MarketingService<'a> {
    kite: &'a Kite,
}

impl<'a> MarketingService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }
}

fn conflict(code: &'static str, message: impl Into<String>) -> CoreError {
    CoreError::Conflict {
        code,
        message: message.into(),
        field: None,
        details: None,
    }
}

/// The host of the server's public address, for the Message-IDs of its emails.
fn message_id_host(kite: &Kite) -> String {
    let url = kite.settings.public_url.as_str();
    let host = url.split("://").nth(1).unwrap_or(url);
    host.split(['/', ':'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("kite.localhost")
        .to_owned()
}

/// The RFC 5322 Message-ID of the email with this id: replies name it in In-Reply-To.
fn message_id(kite: &Kite, id: Uuid) -> String {
    format!("<{}@{}>", id.simple(), message_id_host(kite))
}

/// A queued email from `sender` (of the organization it is sent for) to one contact;
/// the caller sets what else it has.
fn outgoing(
    kite: &Kite,
    id: Uuid,
    contact_id: Uuid,
    to: &str,
    sender: &user::Model,
    subject: &str,
    now: DateTime<Utc>,
) -> email::ActiveModel {
    email::ActiveModel {
        id: Set(id),
        organization_id: Set(sender.organization_id),
        contact_id: Set(Some(contact_id)),
        deal_id: Set(None),
        campaign_id: Set(None),
        direction: Set("out".into()),
        source: Set("one_off".into()),
        to_email: Set(to.to_owned()),
        from_email: Set(sender.email.clone()),
        from_name: Set(Some(sender.name.clone())),
        subject: Set(subject.to_owned()),
        html_body: Set(None),
        text_body: Set(None),
        message_id: Set(message_id(kite, id)),
        in_reply_to: Set(None),
        provider_message_id: Set(None),
        status: Set(EmailStatus::Queued.as_str().into()),
        status_reason: Set(None),
        attempted_at: Set(None),
        sent_at: Set(None),
        delivered_at: Set(None),
        open_count: Set(0),
        first_opened_at: Set(None),
        last_opened_at: Set(None),
        click_count: Set(0),
        first_clicked_at: Set(None),
        last_clicked_at: Set(None),
        created_by: Set(Some(sender.id)),
        created_at: Set(now),
        updated_at: Set(now),
        sequence_id: Set(None),
        sequence_step_id: Set(None),
        enrollment_id: Set(None),
        replied_at: Set(None),
    }
}
