//! Scheduled exports and their runs (the file of a run is kept for 30 days).

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
                    .table(Alias::new("scheduled_exports"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("created_by").uuid().null())
                    .col(col("name").string_len(200).not_null())
                    .col(col("entity").string_len(16).not_null())
                    .col(col("format").string_len(8).not_null())
                    .col(col("filters").text().not_null())
                    .col(col("schedule").text().not_null())
                    .col(col("recipients").text().not_null())
                    .col(col("enabled").boolean().not_null())
                    .col(col("next_run_at").timestamp_with_time_zone().null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("updated_at").timestamp_with_time_zone().not_null())
                    .col(col("deleted_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("export_runs"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("scheduled_export_id").uuid().not_null())
                    .col(col("job_id").uuid().not_null().unique_key())
                    .col(col("status").string_len(16).not_null())
                    .col(col("started_at").timestamp_with_time_zone().not_null())
                    .col(col("finished_at").timestamp_with_time_zone().null())
                    .col(col("row_count").big_integer().null())
                    .col(col("file_name").string_len(255).null())
                    .col(col("file_size").big_integer().null())
                    .col(col("attached").boolean().not_null())
                    .col(col("error").text().null())
                    .col(col("expires_at").timestamp_with_time_zone().not_null())
                    .col(col("file_removed").boolean().not_null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE INDEX idx_scheduled_exports_due ON scheduled_exports (next_run_at) \
             WHERE enabled AND deleted_at IS NULL",
        )
        .await?;
        db.execute_unprepared("CREATE INDEX idx_export_runs_export ON export_runs (scheduled_export_id, started_at)")
            .await?;
        db.execute_unprepared("CREATE INDEX idx_export_runs_expiry ON export_runs (expires_at) WHERE NOT file_removed")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["export_runs", "scheduled_exports"] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
