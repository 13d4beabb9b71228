//! What the forecast reads: the open deals with the day they entered their stage, and
//! every stay in an open stage of the deals that have closed, with how they ended.

use super::all;
use crate::scope::Scope;
use crate::sql::Sql;
use chrono::{DateTime, NaiveDate, Utc};
use kite_core::{CoreError, Kite};
use sea_orm::FromQueryResult;
use uuid::Uuid;

/// An open deal as the forecast weighs it.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct OpenDealNow {
    pub owner_id: Option<Uuid>,
    pub value_minor: i64,
    pub currency: String,
    pub stage_id: Uuid,
    /// The deal's own probability (its stage's unless someone set it).
    pub probability: i32,
    pub expected_close: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    /// When it last entered its stage; `None` when the history does not say.
    pub entered_at: Option<DateTime<Utc>>,
}

pub async fn open_deals(kite: &Kite, scope: &Scope) -> Result<Vec<OpenDealNow>, CoreError> {
    let sql = Sql::new(
        "SELECT d.owner_id, d.value_minor, d.currency, d.stage_id, d.probability, d.expected_close, d.created_at, \
         (SELECT MAX(h.moved_at) FROM deal_stage_history h WHERE h.deal_id = d.id AND h.to_stage_id = d.stage_id) \
         AS entered_at FROM deals d WHERE",
    )
    .deals_in_scope(scope, false)
    .push(" AND d.status = 'open'", []);
    all(kite, sql).await
}

/// One stay of a closed deal in an open stage.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct ClosedStay {
    pub deal_id: Uuid,
    pub stage_id: Uuid,
    /// The stage's probability.
    pub probability: i32,
    pub entered_at: DateTime<Utc>,
    pub left_at: DateTime<Utc>,
    /// 1 when the deal was won, 0 when lost.
    pub won: i64,
    pub closed_at: DateTime<Utc>,
    pub value_minor: i64,
    pub currency: String,
}

pub async fn closed_stays(kite: &Kite, scope: &Scope) -> Result<Vec<ClosedStay>, CoreError> {
    // A stay ends with the move out of its stage, which records when the stay began.
    let sql = Sql::new(
        "SELECT m.deal_id, m.from_stage_id AS stage_id, s.probability, m.entered_at, m.moved_at AS left_at, \
         CAST(CASE WHEN d.status = 'won' THEN 1 ELSE 0 END AS BIGINT) AS won, d.closed_at, d.value_minor, d.currency \
         FROM deal_stage_history m JOIN deals d ON d.id = m.deal_id JOIN stages s ON s.id = m.from_stage_id WHERE",
    )
    .deals_in_scope(scope, false)
    .push(
        " AND d.status IN ('won', 'lost') AND d.closed_at IS NOT NULL AND m.organization_id = ? \
         AND m.entered_at IS NOT NULL AND s.kind = 'open'",
        [scope.organization.into()],
    );
    all(kite, sql).await
}
