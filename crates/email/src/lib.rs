//! One interface for sending email. [`SendGridSender`] sends for real; [`OutboxSender`]
//! keeps every message in the `outbox_messages` table so development needs no account.

#[cfg(feature = "fake-sendgrid")]
pub mod fake_sendgrid;
mod message;
mod outbox;
mod sendgrid;

pub use message::{Attachment, EmailMessage};
pub use outbox::OutboxSender;
pub use sendgrid::{SENDGRID_API_BASE, SendGridConfig, SendGridSender};

use async_trait::async_trait;

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
}

#[async_trait]
pub trait EmailSender: Send + Sync {
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError>;

    /// `sendgrid` or `outbox`, for logs and the health page.
    fn kind(&self) -> &'static str;
}
