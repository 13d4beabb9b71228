//! One interface for sending email. [`SendGridSender`] sends for real; [`OutboxSender`]
//! keeps every message in the `outbox_messages` table so development needs no account.
//! [`events`] reads and verifies SendGrid's signed Event Webhook.

pub mod events;
#[cfg(feature = "fake-sendgrid")]
pub mod fake_sendgrid;
mod message;
mod outbox;
mod sendgrid;

pub use message::{Attachment, EmailMessage, Mailbox, SendReceipt};
pub use outbox::OutboxSender;
pub use sendgrid::{SENDGRID_API_BASE, SendGridConfig, SendGridSender};

use async_trait::async_trait;
use std::collections::HashSet;

/// The custom argument that carries a message's idempotency key through SendGrid.
pub const EMAIL_ID_ARG: &str = "kite_email_id";

#[derive(Debug, thiserror::Error)]
pub enum EmailError {
    #[error("email provider refused the message ({status}): {body}")]
    Rejected { status: u16, body: String },
    #[error("email provider unreachable: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("could not store the message in the outbox: {0}")]
    Outbox(#[from] sea_orm::DbErr),
}

impl EmailError {
    /// A refused key or a rejected message fails the same way on every attempt;
    /// throttling and the provider's own failures pass.
    pub fn is_permanent(&self) -> bool {
        matches!(self, EmailError::Rejected { status, .. } if *status != 429 && *status < 500)
    }

    /// True when the provider surely did not take the message (it answered with an
    /// error, or could not be reached at all); false when it may have (the request
    /// went out and the answer was lost), which only the provider's events can settle.
    pub fn surely_not_sent(&self) -> bool {
        match self {
            EmailError::Rejected { .. } | EmailError::Outbox(_) => true,
            EmailError::Transport(error) => error.is_connect() || error.is_builder(),
        }
    }
}

#[async_trait]
pub trait EmailSender: Send + Sync {
    async fn send(&self, message: &EmailMessage) -> Result<SendReceipt, EmailError>;

    /// Which of these idempotency keys the sender already took a message for, when it
    /// can tell (the outbox can); `None` when only the provider's events will say.
    async fn already_sent(&self, _keys: &[String]) -> Result<Option<HashSet<String>>, EmailError> {
        Ok(None)
    }

    /// `sendgrid` or `outbox`, for logs and the health page.
    fn kind(&self) -> &'static str;
}
