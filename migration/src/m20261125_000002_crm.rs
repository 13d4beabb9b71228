//! Companies, contacts, pipelines with their stages, deals, the contacts of a deal, and
//! the stage history that velocity and conversion analytics are computed from.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid_col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().not_null().to_owned()
}

fn uuid_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).uuid().null().to_owned()
}

fn text(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().not_null().to_owned()
}

fn text_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name)).string().null().to_owned()
}

fn ts(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn ts_null(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

fn table(name: &str, columns: Vec<ColumnDef>) -> TableCreateStatement {
    let mut create = Table::create();
    create.table(Alias::new(name));
    for mut column in columns {
        create.col(&mut column);
    }
    create.to_owned()
}

fn index(name: &str, table: &str, columns: &[&str]) -> IndexCreateStatement {
    let mut create = Index::create();
    create.name(name).table(Alias::new(table));
    for column in columns {
        create.col(Alias::new(*column));
    }
    create.to_owned()
}

fn primary(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
        .uuid()
        .not_null()
        .primary_key()
        .to_owned()
}

/// Every business row: who created it, when, and the soft-delete mark of the trash.
fn record_columns() -> Vec<ColumnDef> {
    vec![
        uuid_null("created_by"),
        ts("created_at"),
        ts("updated_at"),
        ts_null("deleted_at"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut companies = vec![
            primary("id"),
            uuid_col("organization_id"),
            text("name"),
            text_null("domain"),
            text_null("industry"),
            text_null("size"),
            text_null("phone"),
            text_null("address"),
            text_null("website"),
            uuid_null("owner_id"),
            ColumnDef::new(Alias::new("notes")).text().null().to_owned(),
        ];
        companies.extend(record_columns());
        manager.create_table(table("companies", companies)).await?;

        let mut contacts = vec![
            primary("id"),
            uuid_col("organization_id"),
            text("first_name"),
            text("last_name"),
            text_null("email"),
            ColumnDef::new(Alias::new("other_emails"))
                .text()
                .not_null()
                .default("[]")
                .to_owned(),
            text_null("phone"),
            ColumnDef::new(Alias::new("other_phones"))
                .text()
                .not_null()
                .default("[]")
                .to_owned(),
            text_null("title"),
            uuid_null("company_id"),
            uuid_null("owner_id"),
            ColumnDef::new(Alias::new("lifecycle_stage"))
                .string_len(20)
                .not_null()
                .to_owned(),
            text_null("source"),
        ];
        contacts.extend(record_columns());
        manager.create_table(table("contacts", contacts)).await?;

        manager
            .create_table(table(
                "pipelines",
                vec![
                    primary("id"),
                    uuid_col("organization_id"),
                    text("name"),
                    ColumnDef::new(Alias::new("is_default"))
                        .boolean()
                        .not_null()
                        .default(false)
                        .to_owned(),
                    ColumnDef::new(Alias::new("position")).integer().not_null().to_owned(),
                    ts("created_at"),
                ],
            ))
            .await?;
        manager
            .create_table(table(
                "stages",
                vec![
                    primary("id"),
                    uuid_col("organization_id"),
                    uuid_col("pipeline_id"),
                    text("name"),
                    ColumnDef::new(Alias::new("position")).integer().not_null().to_owned(),
                    ColumnDef::new(Alias::new("probability"))
                        .integer()
                        .not_null()
                        .to_owned(),
                    ColumnDef::new(Alias::new("kind")).string_len(10).not_null().to_owned(),
                    ts("created_at"),
                ],
            ))
            .await?;

        let mut deals = vec![
            primary("id"),
            uuid_col("organization_id"),
            text("title"),
            ColumnDef::new(Alias::new("value_minor"))
                .big_integer()
                .not_null()
                .to_owned(),
            ColumnDef::new(Alias::new("currency"))
                .string_len(3)
                .not_null()
                .to_owned(),
            uuid_col("pipeline_id"),
            uuid_col("stage_id"),
            // Order within the board column; fractional so a move rewrites one row.
            ColumnDef::new(Alias::new("position")).double().not_null().to_owned(),
            ColumnDef::new(Alias::new("probability"))
                .integer()
                .not_null()
                .to_owned(),
            ColumnDef::new(Alias::new("expected_close")).date().null().to_owned(),
            uuid_null("owner_id"),
            uuid_null("company_id"),
            ColumnDef::new(Alias::new("status"))
                .string_len(10)
                .not_null()
                .to_owned(),
            text_null("lost_reason"),
            ts_null("closed_at"),
        ];
        deals.extend(record_columns());
        manager.create_table(table("deals", deals)).await?;

        manager
            .create_table(
                Table::create()
                    .table(Alias::new("deal_contacts"))
                    .col(uuid_col("organization_id"))
                    .col(uuid_col("deal_id"))
                    .col(uuid_col("contact_id"))
                    .primary_key(Index::create().col(Alias::new("deal_id")).col(Alias::new("contact_id")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(table(
                "deal_stage_history",
                vec![
                    primary("id"),
                    uuid_col("organization_id"),
                    uuid_col("deal_id"),
                    uuid_null("from_stage_id"),
                    uuid_col("to_stage_id"),
                    uuid_null("moved_by"),
                    ts("moved_at"),
                ],
            ))
            .await?;

        for statement in [
            index("idx_companies_domain", "companies", &["organization_id", "domain"]),
            index("idx_contacts_company", "contacts", &["organization_id", "company_id"]),
            index("idx_contacts_owner", "contacts", &["organization_id", "owner_id"]),
            index("idx_stages_pipeline", "stages", &["pipeline_id", "position"]),
            index(
                "idx_deals_board",
                "deals",
                &["organization_id", "pipeline_id", "stage_id", "position", "id"],
            ),
            index("idx_deal_contacts_contact", "deal_contacts", &["contact_id"]),
            index("idx_stage_history_deal", "deal_stage_history", &["deal_id", "moved_at"]),
        ] {
            manager.create_index(statement).await?;
        }
        // One live contact per email in an organization; the trash may hold more.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX idx_contacts_email ON contacts (organization_id, email) \
                 WHERE deleted_at IS NULL AND email IS NOT NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "deal_stage_history",
            "deal_contacts",
            "deals",
            "stages",
            "pipelines",
            "contacts",
            "companies",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
