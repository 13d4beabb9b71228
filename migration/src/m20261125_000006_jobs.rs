//! The durable job table every piece of background work goes through: imports,
//! exports, email sends, sequences, webhook deliveries.

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
                    .table(Alias::new("jobs"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().null())
                    .col(col("kind").string_len(64).not_null())
                    .col(col("payload").text().not_null())
                    .col(col("status").string_len(16).not_null())
                    .col(col("attempts").integer().not_null())
                    .col(col("max_attempts").integer().not_null())
                    .col(col("run_at").timestamp_with_time_zone().not_null())
                    .col(col("lease_until").timestamp_with_time_zone().null())
                    .col(col("worker_id").string_len(64).null())
                    .col(col("idempotency_key").string_len(200).null())
                    .col(col("progress_done").big_integer().not_null())
                    .col(col("progress_total").big_integer().null())
                    .col(col("result").text().null())
                    .col(col("last_error").text().null())
                    .col(col("cancel_requested").boolean().not_null())
                    .col(col("created_by").uuid().null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("updated_at").timestamp_with_time_zone().not_null())
                    .col(col("started_at").timestamp_with_time_zone().null())
                    .col(col("finished_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // What a claimer scans: waiting jobs by due time, and running ones by lease.
        db.execute_unprepared("CREATE INDEX idx_jobs_queued ON jobs (run_at) WHERE status = 'queued'")
            .await?;
        db.execute_unprepared("CREATE INDEX idx_jobs_running ON jobs (lease_until) WHERE status = 'running'")
            .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_jobs_idempotency ON jobs (idempotency_key) WHERE idempotency_key IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("jobs")).to_owned())
            .await
    }
}
