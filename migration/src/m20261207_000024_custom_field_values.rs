//! Custom field values as typed rows, one per record and field (one per chosen option of
//! a multi select): text, dates, options and user ids in `value_text`, numbers, amounts
//! and yes/no in `value_number`, long text in `value_long`. Each field's values are an
//! index range of their own, so a list filtered on a custom field seeks its matches
//! the way it would on a built-in column, on both databases. Long text stays out of the
//! indexes (PostgreSQL refuses index entries past a few kilobytes).

use crate::columns::{col, create, id, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "custom_field_values",
                vec![
                    id(),
                    organization(),
                    col("field_id").uuid().not_null().to_owned(),
                    col("record_id").uuid().not_null().to_owned(),
                    col("value_text").string_len(500).null().to_owned(),
                    col("value_number").double().null().to_owned(),
                    col("value_long").text().null().to_owned(),
                ],
            ))
            .await?;
        let conn = manager.get_connection();
        for index in [
            "CREATE INDEX idx_custom_values_record ON custom_field_values (record_id, field_id)",
            "CREATE INDEX idx_custom_values_text ON custom_field_values (field_id, value_text, record_id)",
            "CREATE INDEX idx_custom_values_number ON custom_field_values (field_id, value_number, record_id)",
        ] {
            conn.execute_unprepared(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(Alias::new("custom_field_values"))
                    .if_exists()
                    .to_owned(),
            )
            .await
    }
}
