//! Lead and deal scores: the models each organization's history trains, and on contacts
//! and deals the score (a column, so lists sort and filter by it through an index) with
//! its explanation.

use crate::columns::{add_column, at, col, create, drop_column, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const SCORED: [&str; 2] = ["contacts", "deals"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "score_models",
                vec![
                    id(),
                    organization(),
                    col("subject").string_len(20).not_null().to_owned(),
                    col("version").integer().not_null().to_owned(),
                    col("method").string_len(20).not_null().to_owned(),
                    col("note").text().null().to_owned(),
                    col("rows_used").integer().not_null().to_owned(),
                    col("won").integer().not_null().to_owned(),
                    col("lost").integer().not_null().to_owned(),
                    // kite_shared's ModelMetrics, as JSON; NULL for rules.
                    col("metrics").text().null().to_owned(),
                    // What scoring uses, as JSON: the norms measured, and the fitted model (columns,
                    // scaling, weights) unless rules score.
                    col("parameters").text().not_null().to_owned(),
                    col("scored").integer().not_null().to_owned(),
                    col("training_ms").big_integer().not_null().to_owned(),
                    at("trained_at"),
                ],
            ))
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_score_models_version ON score_models (organization_id, subject, version)",
        )
        .await?;
        for table in SCORED {
            add_column(manager, table, col("score").integer().null().to_owned()).await?;
            // kite_shared's RecordScore, as JSON.
            add_column(manager, table, col("score_detail").text().null().to_owned()).await?;
            add_column(manager, table, maybe_at("scored_at")).await?;
            db.execute_unprepared(&format!(
                "CREATE INDEX idx_{table}_score ON {table} (organization_id, score, id) WHERE deleted_at IS NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for table in SCORED {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS idx_{table}_score"))
                .await?;
            for column in ["scored_at", "score_detail", "score"] {
                drop_column(manager, table, column).await?;
            }
        }
        manager
            .drop_table(Table::drop().table(Alias::new("score_models")).if_exists().to_owned())
            .await
    }
}
