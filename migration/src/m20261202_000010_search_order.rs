//! The search walks each column's hits in `(lower(column), id)` order, a page at a time:
//! with the id in the index, both databases read exactly the page from it instead of
//! collecting and sorting every record that shares a prefix.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Index, table, column: one `(organization_id, lower(column), id)` index per searched column.
const INDEXES: [(&str, &str, &str); 8] = [
    ("idx_search_contacts_first", "contacts", "first_name"),
    ("idx_search_contacts_last", "contacts", "last_name"),
    ("idx_search_contacts_email", "contacts", "email"),
    ("idx_search_contacts_phone", "contacts", "phone"),
    ("idx_search_companies_name", "companies", "name"),
    ("idx_search_companies_domain", "companies", "domain"),
    ("idx_search_companies_phone", "companies", "phone"),
    ("idx_search_deals_title", "deals", "title"),
];

async fn rebuild(manager: &SchemaManager<'_>, with_id: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for (name, table, column) in INDEXES {
        let id = if with_id { ", id" } else { "" };
        // One call, so both run on the same pooled connection: a second SQLite
        // connection may still see the index the first one dropped.
        db.execute_unprepared(&format!(
            "DROP INDEX {name}; CREATE INDEX {name} ON {table} (organization_id, lower({column}){id})"
        ))
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, false).await
    }
}
