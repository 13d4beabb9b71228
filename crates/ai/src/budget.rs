//! Each organization's monthly allowance of AI requests. A request is counted before it
//! is made, by one conditional update, so concurrent drafts never overspend.

use chrono::{DateTime, Utc};
use kite_entity::ai_usage;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

#[derive(Debug, PartialEq)]
pub(crate) enum Reservation {
    Granted { left: u32 },
    Exhausted,
}

fn month(now: DateTime<Utc>) -> String {
    now.format("%Y-%m").to_string()
}

/// Takes one request from this month's allowance, if any is left.
pub(crate) async fn reserve(
    db: &impl ConnectionTrait,
    organization_id: Uuid,
    allowance: u32,
    now: DateTime<Utc>,
) -> Result<Reservation, DbErr> {
    let month = month(now);
    let row = ai_usage::ActiveModel {
        id: Set(Uuid::new_v4()),
        organization_id: Set(organization_id),
        month: Set(month.clone()),
        requests: Set(0),
        updated_at: Set(now),
    };
    ai_usage::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([ai_usage::Column::OrganizationId, ai_usage::Column::Month])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let allowance = i32::try_from(allowance).unwrap_or(i32::MAX);
    let taken = ai_usage::Entity::update_many()
        .col_expr(ai_usage::Column::Requests, Expr::col(ai_usage::Column::Requests).add(1))
        .col_expr(ai_usage::Column::UpdatedAt, Expr::value(now))
        .filter(ai_usage::Column::OrganizationId.eq(organization_id))
        .filter(ai_usage::Column::Month.eq(&month))
        .filter(ai_usage::Column::Requests.lt(allowance))
        .exec(db)
        .await?
        .rows_affected;
    if taken == 0 {
        return Ok(Reservation::Exhausted);
    }
    let used = used(db, organization_id, now).await?;
    Ok(Reservation::Granted {
        left: u32::try_from(allowance.saturating_sub(used)).unwrap_or(0),
    })
}

/// Requests made this month.
pub(crate) async fn used(db: &impl ConnectionTrait, organization_id: Uuid, now: DateTime<Utc>) -> Result<i32, DbErr> {
    Ok(ai_usage::Entity::find()
        .filter(ai_usage::Column::OrganizationId.eq(organization_id))
        .filter(ai_usage::Column::Month.eq(month(now)))
        .one(db)
        .await?
        .map_or(0, |row| row.requests))
}
