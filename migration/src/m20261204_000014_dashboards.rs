//! Dashboards (each user's grids of widgets, some shared with the organization), and
//! the index analytics reads recent stage moves by.

use crate::columns::{at, col, create, id, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "dashboards",
                vec![
                    id(),
                    organization(),
                    col("owner_id").uuid().not_null().to_owned(),
                    col("name").string_len(200).not_null().to_owned(),
                    col("shared").boolean().not_null().to_owned(),
                    // The widgets and their places, as JSON: always read and written whole.
                    col("widgets").text().not_null().to_owned(),
                    at("created_at"),
                    at("updated_at"),
                ],
            ))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_dashboards_owner ON dashboards (organization_id, owner_id, created_at)",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX idx_stage_history_moved ON deal_stage_history (organization_id, moved_at)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS idx_stage_history_moved")
            .await?;
        manager
            .drop_table(Table::drop().table(Alias::new("dashboards")).if_exists().to_owned())
            .await
    }
}
