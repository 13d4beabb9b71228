use crate::{EmailError, EmailMessage, EmailSender, SendReceipt};
use async_trait::async_trait;
use kite_entity::outbox_message;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::HashSet;

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
    async fn send(&self, message: &EmailMessage) -> Result<SendReceipt, EmailError> {
        let id = uuid::Uuid::now_v7();
        let row = outbox_message::ActiveModel {
            id: Set(id),
            organization_id: Set(message.organization_id),
            to_addresses: Set(serde_json::json!(message.to).to_string()),
            subject: Set(message.subject.clone()),
            text_body: Set(message.text_body.clone()),
            html_body: Set(message.html_body.clone()),
            category: Set(message.category.clone()),
            attachments: Set(serde_json::to_value(&message.attachments).unwrap_or_default()),
            idempotency_key: Set(message.idempotency_key.clone()),
            created_at: Set(chrono::Utc::now()),
        };
        row.insert(&self.db).await?;
        tracing::info!(to = ?message.to, subject = %message.subject, "email kept in the outbox");
        Ok(SendReceipt {
            provider_message_id: Some(id.to_string()),
        })
    }

    async fn already_sent(&self, keys: &[String]) -> Result<Option<HashSet<String>>, EmailError> {
        if keys.is_empty() {
            return Ok(Some(HashSet::new()));
        }
        let found: Vec<Option<String>> = outbox_message::Entity::find()
            .select_only()
            .column(outbox_message::Column::IdempotencyKey)
            .filter(outbox_message::Column::IdempotencyKey.is_in(keys.iter().map(String::as_str)))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(Some(found.into_iter().flatten().collect()))
    }

    fn kind(&self) -> &'static str {
        "outbox"
    }
}
