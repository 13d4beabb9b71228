//! Activities (calls, emails, meetings, tasks, notes with a due time) and free notes on
//! contacts, companies and deals.

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
                    .table(Alias::new("activities"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("kind").string_len(16).not_null())
                    .col(col("subject").string().not_null())
                    .col(col("body").text().null())
                    .col(col("due_at").timestamp_with_time_zone().null())
                    .col(col("done_at").timestamp_with_time_zone().null())
                    .col(col("owner_id").uuid().null())
                    .col(col("contact_id").uuid().null())
                    .col(col("company_id").uuid().null())
                    .col(col("deal_id").uuid().null())
                    .col(col("created_by").uuid().null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .col(col("updated_at").timestamp_with_time_zone().not_null())
                    .col(col("deleted_at").timestamp_with_time_zone().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("notes"))
                    .col(col("id").uuid().not_null().primary_key())
                    .col(col("organization_id").uuid().not_null())
                    .col(col("record_kind").string_len(16).not_null())
                    .col(col("record_id").uuid().not_null())
                    .col(col("author_id").uuid().null())
                    .col(col("body").text().not_null())
                    .col(col("created_at").timestamp_with_time_zone().not_null())
                    .to_owned(),
            )
            .await?;
        for (name, table, columns) in [
            (
                "idx_activities_tasks",
                "activities",
                &["organization_id", "owner_id", "done_at", "due_at"][..],
            ),
            (
                "idx_activities_contact",
                "activities",
                &["contact_id", "created_at"][..],
            ),
            (
                "idx_activities_company",
                "activities",
                &["company_id", "created_at"][..],
            ),
            ("idx_activities_deal", "activities", &["deal_id", "created_at"][..]),
            ("idx_notes_record", "notes", &["record_id", "created_at"][..]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Alias::new(table));
            for column in columns {
                index.col(Alias::new(*column));
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in ["notes", "activities"] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
