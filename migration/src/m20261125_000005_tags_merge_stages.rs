//! Tags on contacts, companies and deals; the link a merged-away contact or company
//! keeps to the record it was merged into (its timeline stays part of the survivor's);
//! and deleted stages, kept because the stage history of deals names them.

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
                    .table(Alias::new("tags"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("name").string_len(64).not_null())
                    .col(col("color").string_len(16).null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("record_tags"))
                    .col(col("tag_id").uuid().not_null())
                    .col(col("record_id").uuid().not_null())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("record_kind").string_len(16).not_null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .primary_key(Index::create().col(Alias::new("tag_id")).col(Alias::new("record_id")))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // Tag names are unique per organization whatever their case; the same SQL works
        // on both databases, which sea-query cannot say for an expression index.
        db.execute_unprepared("CREATE UNIQUE INDEX idx_tags_name ON tags (organization_id, lower(name))")
            .await?;
        db.execute_unprepared("CREATE INDEX idx_record_tags_record ON record_tags (record_id)")
            .await?;
        for table in ["contacts", "companies"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(col("merged_into_id").uuid().null())
                        .to_owned(),
                )
                .await?;
            db.execute_unprepared(&format!(
                "CREATE INDEX idx_{table}_merged_into ON {table} (merged_into_id) WHERE merged_into_id IS NOT NULL"
            ))
            .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("stages"))
                    .add_column(col("deleted_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("stages"))
                    .drop_column(Alias::new("deleted_at"))
                    .to_owned(),
            )
            .await?;
        for table in ["contacts", "companies"] {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS idx_{table}_merged_into"))
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new("merged_into_id"))
                        .to_owned(),
                )
                .await?;
        }
        for name in ["record_tags", "tags"] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
