//! Rows of a deal's stage history, each with when the deal entered the stage it left.

use crate::CoreError;
use chrono::{DateTime, Utc};
use kite_entity::deal_stage_change;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use std::collections::HashMap;
use uuid::Uuid;

/// Sets `entered_at` on every move that leaves a stage: the deal's move before it, from
/// the stored history or from an earlier row of `rows` (which are in the order they
/// happened).
pub(crate) async fn fill_entered_at(
    conn: &impl ConnectionTrait,
    rows: &mut [deal_stage_change::ActiveModel],
) -> Result<(), CoreError> {
    let leaving: Vec<Uuid> = rows
        .iter()
        .filter(|r| r.from_stage_id.try_as_ref().is_some_and(Option::is_some))
        .filter_map(|r| r.deal_id.try_as_ref().copied())
        .collect();
    let mut last: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for chunk in leaving.chunks(500) {
        let found: Vec<(Uuid, Option<DateTime<Utc>>)> = deal_stage_change::Entity::find()
            .select_only()
            .column(deal_stage_change::Column::DealId)
            .column_as(deal_stage_change::Column::MovedAt.max(), "moved_at")
            .filter(deal_stage_change::Column::DealId.is_in(chunk.iter().copied()))
            .group_by(deal_stage_change::Column::DealId)
            .into_tuple()
            .all(conn)
            .await?;
        last.extend(found.into_iter().filter_map(|(deal, at)| at.map(|at| (deal, at))));
    }
    for row in rows {
        let (Some(deal), Some(moved_at)) = (row.deal_id.try_as_ref().copied(), row.moved_at.try_as_ref().copied())
        else {
            continue;
        };
        if row.from_stage_id.try_as_ref().is_some_and(Option::is_some) {
            row.entered_at = Set(last.get(&deal).copied());
        }
        last.insert(deal, moved_at);
    }
    Ok(())
}
