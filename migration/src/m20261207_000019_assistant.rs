//! The assistant's memory: what each user did with a suggestion (dismissed, snoozed,
//! turned into a task) so it is not offered again, and each organization's AI requests
//! per month, counted against its budget.

use crate::columns::{at, col, create, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "suggestion_decisions",
                vec![
                    id(),
                    organization(),
                    col("user_id").uuid().not_null().to_owned(),
                    // The suggestion's key names the situation it is about (a deal idle
                    // since a date, a task due at a time): when that changes it is a new one.
                    col("key").string_len(200).not_null().to_owned(),
                    col("decision").string_len(20).not_null().to_owned(),
                    // Shown again from then on; NULL for good.
                    maybe_at("until"),
                    at("decided_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "ai_usage",
                vec![
                    id(),
                    organization(),
                    // "2026-12": budgets are per calendar month (UTC).
                    col("month").string_len(7).not_null().to_owned(),
                    col("requests").integer().not_null().to_owned(),
                    at("updated_at"),
                ],
            ))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_suggestion_decisions_key ON suggestion_decisions (organization_id, user_id, key)",
        )
        .await?;
        db.execute_unprepared("CREATE UNIQUE INDEX idx_ai_usage_month ON ai_usage (organization_id, month)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["ai_usage", "suggestion_decisions"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
