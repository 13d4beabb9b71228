//! Indexes for the search box (prefix matches on lower-cased names, emails, phones,
//! domains and titles) and for the most common filtered-and-sorted list pages.
//! Expression indexes are written in SQL: the same statement works on SQLite and
//! PostgreSQL, and the queries use the very same `lower(...)` expression.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, &str); 12] = [
    (
        "idx_search_contacts_first",
        "contacts",
        "organization_id, lower(first_name)",
    ),
    (
        "idx_search_contacts_last",
        "contacts",
        "organization_id, lower(last_name)",
    ),
    ("idx_search_contacts_email", "contacts", "organization_id, lower(email)"),
    ("idx_search_contacts_phone", "contacts", "organization_id, lower(phone)"),
    ("idx_search_companies_name", "companies", "organization_id, lower(name)"),
    (
        "idx_search_companies_domain",
        "companies",
        "organization_id, lower(domain)",
    ),
    (
        "idx_search_companies_phone",
        "companies",
        "organization_id, lower(phone)",
    ),
    ("idx_search_deals_title", "deals", "organization_id, lower(title)"),
    (
        "idx_contacts_stage_created",
        "contacts",
        "organization_id, deleted_at, lifecycle_stage, created_at, id",
    ),
    (
        "idx_contacts_owner_created",
        "contacts",
        "organization_id, deleted_at, owner_id, created_at, id",
    ),
    (
        "idx_companies_owner_name",
        "companies",
        "organization_id, deleted_at, owner_id, name, id",
    ),
    (
        "idx_deals_owner_created",
        "deals",
        "organization_id, deleted_at, owner_id, created_at, id",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, table, columns) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {table} ({columns})"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
