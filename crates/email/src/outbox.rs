use crate::{EmailError, EmailMessage, EmailSender};
use async_trait::async_trait;
use kite_entity::outbox_message;
use sea_orm::{ActiveModelTrait, DatabaseConnection, Set};

/// Keeps messages in the database instead of sending them; admins read them in the SPA.
#[derive(Clone)]
pub struct OutboxSender {
    db: DatabaseConnection,
}

impl OutboxSender {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

#[async_trait]
impl EmailSender for OutboxSender {
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError> {
        let row = outbox_message::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            organization_id: Set(message.organization_id),
            to_addresses: Set(serde_json::json!(message.to).to_string()),
            subject: Set(message.subject.clone()),
            text_body: Set(message.text_body.clone()),
            html_body: Set(message.html_body.clone()),
            category: Set(message.category.clone()),
            attachments: Set(serde_json::to_value(&message.attachments).unwrap_or_default()),
            created_at: Set(chrono::Utc::now()),
        };
        row.insert(&self.db).await?;
        tracing::info!(to = ?message.to, subject = %message.subject, "email kept in the outbox");
        Ok(())
    }

    fn kind(&self) -> &'static str {
        "outbox"
    }
}
