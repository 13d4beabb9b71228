//! The indexes the analytics reads walk: deals by the day they closed, the first contact
//! of a company (what win rates by source and lifecycle read), activities by the day they
//! were done. Partial like the list indexes, since every report leaves the trash out.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str); 3] = [
    (
        "idx_deals_closed",
        "deals (organization_id, closed_at) WHERE deleted_at IS NULL",
    ),
    (
        "idx_contacts_company_first",
        "contacts (organization_id, company_id, created_at, id) WHERE deleted_at IS NULL",
    ),
    (
        "idx_activities_done",
        "activities (organization_id, done_at) WHERE deleted_at IS NULL",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, on) in INDEXES {
            db.execute_unprepared(&format!("CREATE INDEX {name} ON {on}")).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        }
        Ok(())
    }
}
