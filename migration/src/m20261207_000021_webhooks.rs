//! Webhook subscriptions and the log of every delivery attempt.

use crate::columns::{at, col, create, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "webhook_subscriptions",
                vec![
                    id(),
                    organization(),
                    col("url").string_len(2000).not_null().to_owned(),
                    col("description").string_len(200).null().to_owned(),
                    // A JSON array of event names.
                    col("events").json().not_null().to_owned(),
                    col("active").boolean().not_null().to_owned(),
                    col("disabled_reason").string_len(500).null().to_owned(),
                    // Kept in clear: every delivery is signed with it.
                    col("secret").string_len(100).not_null().to_owned(),
                    col("created_by").uuid().not_null().to_owned(),
                    at("created_at"),
                    at("updated_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "webhook_deliveries",
                vec![
                    id(),
                    organization(),
                    col("subscription_id").uuid().not_null().to_owned(),
                    col("message_id").uuid().not_null().to_owned(),
                    col("event_type").string_len(100).not_null().to_owned(),
                    col("attempt").integer().not_null().to_owned(),
                    col("url").string_len(2000).not_null().to_owned(),
                    col("request_body").text().not_null().to_owned(),
                    col("response_status").integer().null().to_owned(),
                    col("response_excerpt").text().null().to_owned(),
                    col("error").text().null().to_owned(),
                    col("duration_ms").big_integer().not_null().to_owned(),
                    col("outcome").string_len(20).not_null().to_owned(),
                    maybe_at("next_attempt_at"),
                    at("created_at"),
                ],
            ))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_webhook_subscriptions_organization ON webhook_subscriptions (organization_id, created_at)",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at, id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["webhook_deliveries", "webhook_subscriptions"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
