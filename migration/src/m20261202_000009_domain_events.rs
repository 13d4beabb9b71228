//! The domain-event outbox: what changed, written in the same transaction as the change,
//! so that nothing a subscriber must hear of (the live stream, webhooks, sequences,
//! scores) is lost between a commit and a crash.

use crate::columns::col;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("domain_events"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("kind").string_len(64).not_null())
                    .col(col("entity_type").string_len(32).not_null())
                    .col(col("entity_id").uuid().null())
                    .col(col("actor_user_id").uuid().null())
                    .col(col("payload").text().not_null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("dispatched_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // The dispatcher reads the events not yet handed to subscribers, oldest first.
        db.execute_unprepared(
            "CREATE INDEX idx_domain_events_pending ON domain_events (id) WHERE dispatched_at IS NULL",
        )
        .await?;
        db.execute_unprepared(
            "CREATE INDEX idx_domain_events_entity ON domain_events (organization_id, entity_id, created_at)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("domain_events")).to_owned())
            .await
    }
}
