//! Imports: the uploaded file and its mapping, the rows that failed (for the report),
//! the records an import changed (for undo), and on each record the import that created
//! it (undo, and a resumed import finding what it already wrote).

use crate::columns::col;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const RECORD_TABLES: [&str; 3] = ["contacts", "companies", "deals"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("imports"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("created_by").uuid().null())
                    .col(col("entity").string_len(16).not_null())
                    .col(col("status").string_len(16).not_null())
                    .col(col("file_name").string_len(255).not_null())
                    .col(col("stored_name").string_len(64).not_null())
                    .col(col("format").string_len(8).not_null())
                    .col(col("sheet").string_len(255).null())
                    .col(col("encoding").string_len(32).null())
                    .col(col("delimiter").string_len(4).null())
                    .col(col("headers").text().not_null())
                    .col(col("mapping").text().not_null())
                    .col(col("duplicates").string_len(8).not_null())
                    .col(col("rows_total").big_integer().null())
                    .col(col("rows_done").big_integer().not_null())
                    .col(col("created_count").big_integer().not_null())
                    .col(col("updated_count").big_integer().not_null())
                    .col(col("skipped_count").big_integer().not_null())
                    .col(col("failed_count").big_integer().not_null())
                    .col(col("errors").text().not_null())
                    .col(col("job_id").uuid().null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("updated_at").timestamp_with_time_zone().not_null())
                    .col(col("finished_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("import_failures"))
                    .col(col("import_id").uuid().not_null())
                    .col(col("row_number").big_integer().not_null())
                    .col(col("cells").text().not_null())
                    .col(col("reason").text().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("import_id"))
                            .col(Alias::new("row_number")),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("import_changes"))
                    .col(col("import_id").uuid().not_null())
                    .col(col("record_id").uuid().not_null())
                    .col(col("before").text().not_null())
                    .primary_key(
                        Index::create()
                            .col(Alias::new("import_id"))
                            .col(Alias::new("record_id")),
                    )
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared("CREATE INDEX idx_imports_org ON imports (organization_id, created_at)")
            .await?;
        for table in RECORD_TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .add_column(col("import_id").uuid().null())
                        .to_owned(),
                )
                .await?;
            db.execute_unprepared(&format!(
                "CREATE INDEX idx_{table}_import ON {table} (import_id) WHERE import_id IS NOT NULL"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in RECORD_TABLES {
            manager
                .get_connection()
                .execute_unprepared(&format!("DROP INDEX IF EXISTS idx_{table}_import"))
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(table))
                        .drop_column(Alias::new("import_id"))
                        .to_owned(),
                )
                .await?;
        }
        for name in ["import_changes", "import_failures", "imports"] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
