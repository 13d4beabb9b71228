//! Each stage move also records when the deal had entered the stage it left, so a stay's
//! length is on its own row: velocity and bottleneck reports read the moves of a period
//! by index instead of seeking every move's predecessor.

use crate::columns::{add_column, drop_column, maybe_at};
use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "deal_stage_history", maybe_at("entered_at")).await?;
        let db = manager.get_connection();
        // The move before each move of the same deal, in the order the reports always used
        // (time, then id for moves at the same instant).
        let backfill = match manager.get_database_backend() {
            DbBackend::Postgres => {
                "UPDATE deal_stage_history h SET entered_at = p.entered_at FROM (SELECT id, \
                 LAG(moved_at) OVER (PARTITION BY deal_id ORDER BY moved_at, id) AS entered_at \
                 FROM deal_stage_history) p WHERE p.id = h.id AND h.from_stage_id IS NOT NULL"
            }
            _ => {
                "UPDATE deal_stage_history AS m SET entered_at = (SELECT p.moved_at FROM deal_stage_history p \
                 WHERE p.deal_id = m.deal_id AND (p.moved_at < m.moved_at OR (p.moved_at = m.moved_at AND p.id < m.id)) \
                 ORDER BY p.moved_at DESC, p.id DESC LIMIT 1) WHERE m.from_stage_id IS NOT NULL"
            }
        };
        db.execute_unprepared(backfill).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_column(manager, "deal_stage_history", "entered_at").await
    }
}
