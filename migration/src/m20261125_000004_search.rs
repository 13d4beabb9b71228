//! Indexes for the lists and the search box, in SQL because the same statements work
//! on SQLite and PostgreSQL and sea-query cannot express them:
//! - list indexes are partial (`WHERE deleted_at IS NULL`, like every list query), one
//!   per sortable column, so that a sorted page walks an index: PostgreSQL does not
//!   treat `deleted_at IS NULL` as an equality it could order after;
//! - search indexes are on `lower(column)`, the expression the prefix search uses.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const LIVE: &str = "WHERE deleted_at IS NULL";

const INDEXES: [(&str, &str, &str, &str); 25] = [
    (
        "idx_contacts_last_name",
        "contacts",
        "organization_id, last_name, id",
        LIVE,
    ),
    (
        "idx_contacts_first_name",
        "contacts",
        "organization_id, first_name, id",
        LIVE,
    ),
    (
        "idx_contacts_email_sort",
        "contacts",
        "organization_id, email, id",
        LIVE,
    ),
    (
        "idx_contacts_created",
        "contacts",
        "organization_id, created_at, id",
        LIVE,
    ),
    (
        "idx_contacts_updated",
        "contacts",
        "organization_id, updated_at, id",
        LIVE,
    ),
    (
        "idx_contacts_stage_created",
        "contacts",
        "organization_id, lifecycle_stage, created_at, id",
        LIVE,
    ),
    (
        "idx_contacts_owner_created",
        "contacts",
        "organization_id, owner_id, created_at, id",
        LIVE,
    ),
    ("idx_companies_name", "companies", "organization_id, name, id", LIVE),
    (
        "idx_companies_created",
        "companies",
        "organization_id, created_at, id",
        LIVE,
    ),
    (
        "idx_companies_updated",
        "companies",
        "organization_id, updated_at, id",
        LIVE,
    ),
    (
        "idx_companies_owner_name",
        "companies",
        "organization_id, owner_id, name, id",
        LIVE,
    ),
    ("idx_deals_created", "deals", "organization_id, created_at, id", LIVE),
    ("idx_deals_updated", "deals", "organization_id, updated_at, id", LIVE),
    ("idx_deals_value", "deals", "organization_id, value_minor, id", LIVE),
    (
        "idx_deals_owner_created",
        "deals",
        "organization_id, owner_id, created_at, id",
        LIVE,
    ),
    (
        "idx_activities_created",
        "activities",
        "organization_id, created_at, id",
        LIVE,
    ),
    ("idx_activities_due", "activities", "organization_id, due_at, id", LIVE),
    (
        "idx_search_contacts_first",
        "contacts",
        "organization_id, lower(first_name)",
        "",
    ),
    (
        "idx_search_contacts_last",
        "contacts",
        "organization_id, lower(last_name)",
        "",
    ),
    (
        "idx_search_contacts_email",
        "contacts",
        "organization_id, lower(email)",
        "",
    ),
    (
        "idx_search_contacts_phone",
        "contacts",
        "organization_id, lower(phone)",
        "",
    ),
    (
        "idx_search_companies_name",
        "companies",
        "organization_id, lower(name)",
        "",
    ),
    (
        "idx_search_companies_domain",
        "companies",
        "organization_id, lower(domain)",
        "",
    ),
    (
        "idx_search_companies_phone",
        "companies",
        "organization_id, lower(phone)",
        "",
    ),
    ("idx_search_deals_title", "deals", "organization_id, lower(title)", ""),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns, condition) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns}) {condition}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, ..) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
