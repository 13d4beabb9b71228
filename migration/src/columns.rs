//! Helpers every migration uses.

use sea_orm_migration::prelude::*;

/// A column by name; the migrations spell tables and columns as strings, not as the
/// entities of today, so that they stay as they were written.
pub fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}

/// A table of these columns.
pub fn create(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut table = Table::create();
    table.table(Alias::new(name));
    for mut column in columns {
        table.col(&mut column);
    }
    table.to_owned()
}

/// The uuid primary key.
pub fn id() -> ColumnDef {
    col("id").uuid().not_null().primary_key().to_owned()
}

/// The tenant of a business row.
pub fn organization() -> ColumnDef {
    col("organization_id").uuid().not_null().to_owned()
}

/// A timestamp that is always set.
pub fn at(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().not_null().to_owned()
}

/// A timestamp that may be unset.
pub fn maybe_at(name: &str) -> ColumnDef {
    col(name).timestamp_with_time_zone().null().to_owned()
}

/// Adds one column (SQLite adds one per ALTER TABLE).
pub async fn add_column(manager: &SchemaManager<'_>, table: &str, mut column: ColumnDef) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .add_column(&mut column)
                .to_owned(),
        )
        .await
}

pub async fn drop_column(manager: &SchemaManager<'_>, table: &str, column: &str) -> Result<(), DbErr> {
    manager
        .alter_table(
            Table::alter()
                .table(Alias::new(table))
                .drop_column(Alias::new(column))
                .to_owned(),
        )
        .await
}
