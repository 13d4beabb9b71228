//! Custom field definitions: per organization and kind of record, a key, a label, a
//! type, options and whether it is required. Archived fields keep their key, so their
//! values stay readable and the key is never reused for something else.

use crate::columns::{at, col, create, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "custom_fields",
                vec![
                    id(),
                    organization(),
                    col("entity").string_len(20).not_null().to_owned(),
                    col("key").string_len(40).not_null().to_owned(),
                    col("label").string_len(80).not_null().to_owned(),
                    col("field_type").string_len(20).not_null().to_owned(),
                    col("required").boolean().not_null().default(false).to_owned(),
                    col("options").json().not_null().to_owned(),
                    col("currency").string_len(3).null().to_owned(),
                    col("position").integer().not_null().to_owned(),
                    maybe_at("archived_at"),
                    at("created_at"),
                    at("updated_at"),
                ],
            ))
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_custom_fields_key ON custom_fields (organization_id, entity, key)",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Alias::new("custom_fields")).if_exists().to_owned())
            .await
    }
}
