//! The readers: SQL filters and fetches the rows of one period; the reports do the rest.

mod closed;
mod forecast;

pub use closed::{ClosedTotal, Grouping, closed_totals};
pub use forecast::{ClosedStay, OpenDealNow, closed_stays, open_deals};

use crate::ranked::Ranked;
use crate::scope::{Scope, Window};
use crate::sql::Sql;
use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use kite_core::{CoreError, Kite};
use sea_orm::FromQueryResult;
use std::collections::HashMap;
use uuid::Uuid;

/// How long deals stayed in each stage of the scope's pipeline, for the stays that ended
/// from `start` up to `end`: part 1 those that ended from `split` on, part 0 the earlier
/// ones; a stay is dropped when it ended in a lost stage.
pub async fn stay_durations(
    kite: &Kite,
    scope: &Scope,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    split: DateTime<Utc>,
) -> Result<Vec<Ranked>, CoreError> {
    let lost: Vec<sea_orm::Value> = scope
        .stages
        .iter()
        .filter(|s| s.kind == "lost")
        .map(|s| s.id.into())
        .collect();
    let dropped = if lost.is_empty() {
        "0".to_owned()
    } else {
        format!(
            "CASE WHEN m.to_stage_id IN ({}) THEN 1 ELSE 0 END",
            vec!["?"; lost.len()].join(", ")
        )
    };
    let seconds = Sql::seconds_between(kite.db.get_database_backend(), "m.entered_at", "m.moved_at");
    // A stay ends with the move out of its stage, which records when the stay began: the
    // moves of the period, found by their index, are the stays.
    let stays = Sql::new("SELECT m.from_stage_id AS grp, CASE WHEN m.moved_at >= ? THEN 1 ELSE 0 END AS part, ")
        .push(
            &format!("{seconds} AS seconds, {dropped} AS dropped"),
            [split.into()].into_iter().chain(lost),
        )
        .push(
            " FROM deal_stage_history m WHERE m.organization_id = ? AND m.from_stage_id IS NOT NULL \
             AND m.entered_at IS NOT NULL AND m.moved_at >= ? AND m.moved_at < ? AND",
            [scope.organization.into(), start.into(), end.into()],
        )
        .deal_in_scope("m.deal_id", scope, true, None);
    all(kite, Sql::ranked(stays)).await
}

/// How long the deals of the scope's pipeline won in the window took from creation, as
/// one group (the pipeline) of part 1.
pub async fn cycle_durations(kite: &Kite, scope: &Scope, window: Window) -> Result<Vec<Ranked>, CoreError> {
    let seconds = Sql::seconds_between(kite.db.get_database_backend(), "d.created_at", "d.closed_at");
    let won = Sql::new(&format!(
        "SELECT d.pipeline_id AS grp, 1 AS part, {seconds} AS seconds, 0 AS dropped FROM deals d WHERE"
    ))
    .deals_in_scope(scope, true)
    .push(
        " AND d.status = 'won' AND d.closed_at >= ? AND d.closed_at < ?",
        [window.start.into(), window.end.into()],
    );
    all(kite, Sql::ranked(won)).await
}

/// Deals created in the period, counted by the deepest stage their history took them to
/// (-1: none of `depths`) and whether they were won.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct Deepest {
    pub depth: i64,
    pub won: bool,
    pub n: i64,
}

pub async fn cohort_deepest(
    kite: &Kite,
    scope: &Scope,
    window: Window,
    depths: &[(Uuid, i64)],
) -> Result<Vec<Deepest>, CoreError> {
    let depth = if depths.is_empty() {
        "-1".to_owned()
    } else {
        format!(
            "CASE h.to_stage_id {} ELSE -1 END",
            "WHEN ? THEN ? ".repeat(depths.len())
        )
    };
    let values = depths.iter().flat_map(|(stage, d)| [(*stage).into(), (*d).into()]);
    let sql = Sql::new("SELECT x.depth, x.won, COUNT(*) AS n FROM (SELECT h.deal_id, ")
        .push(&format!("CAST(MAX({depth}) AS BIGINT) AS depth, "), values)
        .push(
            "MAX(d.status) = 'won' AS won FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id WHERE",
            [],
        )
        .deal_in_scope("h.deal_id", scope, true, Some(window))
        .push(" GROUP BY h.deal_id) x GROUP BY x.depth, x.won", []);
    all(kite, sql).await
}

/// An open deal of the pipeline, with when it entered the stage it is in.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct OpenDeal {
    pub id: Uuid,
    pub title: String,
    pub owner_id: Option<Uuid>,
    pub value_minor: i64,
    pub currency: String,
    pub stage_id: Uuid,
    pub entered_at: Option<DateTime<Utc>>,
    /// How many open deals the stage has in all.
    pub in_stage: i64,
}

/// The `per_stage` open deals of each stage that have been in it longest.
pub async fn longest_open(kite: &Kite, scope: &Scope, per_stage: i64) -> Result<Vec<OpenDeal>, CoreError> {
    let sql = Sql::new(
        "SELECT id, title, owner_id, value_minor, currency, stage_id, entered_at, in_stage FROM (\
         SELECT o.*, ROW_NUMBER() OVER (PARTITION BY o.stage_id ORDER BY o.entered_at, o.id) AS n, \
         COUNT(*) OVER (PARTITION BY o.stage_id) AS in_stage FROM (\
         SELECT d.id, d.title, d.owner_id, d.value_minor, d.currency, d.stage_id, \
         (SELECT MAX(h.moved_at) FROM deal_stage_history h WHERE h.deal_id = d.id AND h.to_stage_id = d.stage_id) \
         AS entered_at FROM deals d WHERE",
    )
    .deals_in_scope(scope, true)
    .push(" AND d.status = 'open') o) r WHERE r.n <= ?", [per_stage.into()]);
    all(kite, sql).await
}

#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct OwnerCount {
    pub owner_id: Option<Uuid>,
    pub n: i64,
}

/// Activities per owner: created in the period (logged), or done in it.
pub async fn activities_by_owner(
    kite: &Kite,
    scope: &Scope,
    window: Window,
    done: bool,
) -> Result<Vec<OwnerCount>, CoreError> {
    let column = if done { "done_at" } else { "created_at" };
    let mut sql = Sql::new("SELECT a.owner_id, COUNT(*) AS n FROM activities a WHERE")
        .push(" a.organization_id = ?", [scope.organization.into()])
        .push(
            &format!(" AND a.deleted_at IS NULL AND a.{column} >= ? AND a.{column} < ?"),
            [window.start.into(), window.end.into()],
        );
    if let Some(owner) = scope.owner {
        sql = sql.push(" AND a.owner_id = ?", [owner.into()]);
    }
    all(kite, sql.push(" GROUP BY a.owner_id", [])).await
}

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

pub async fn deals_created(kite: &Kite, scope: &Scope, window: Window) -> Result<u64, CoreError> {
    let sql = Sql::new("SELECT COUNT(*) AS n FROM deals d WHERE")
        .deals_in_scope(scope, false)
        .push(
            " AND d.created_at >= ? AND d.created_at < ?",
            [window.start.into(), window.end.into()],
        );
    let rows: Vec<Count> = all(kite, sql).await?;
    Ok(rows.first().map_or(0, |c| u64::try_from(c.n).unwrap_or(0)))
}

#[derive(FromQueryResult)]
struct CurrencyUse {
    currency: String,
}

/// The currency most of the scope's deals are in.
pub async fn main_currency(kite: &Kite, scope: &Scope) -> Result<Option<String>, CoreError> {
    if let Some(currency) = &scope.currency {
        return Ok(Some(currency.clone()));
    }
    let sql = Sql::new("SELECT d.currency FROM deals d WHERE")
        .deals_in_scope(scope, false)
        .push(" GROUP BY d.currency ORDER BY COUNT(*) DESC, d.currency LIMIT 1", []);
    let rows: Vec<CurrencyUse> = all(kite, sql).await?;
    Ok(rows.into_iter().next().map(|r| r.currency))
}

#[derive(FromQueryResult)]
struct UserName {
    id: Uuid,
    name: String,
}

pub async fn user_names(kite: &Kite, organization: Uuid) -> Result<HashMap<Uuid, String>, CoreError> {
    let sql = Sql::new("SELECT id, name FROM users WHERE").push(" organization_id = ?", [organization.into()]);
    let rows: Vec<UserName> = all(kite, sql).await?;
    Ok(rows.into_iter().map(|u| (u.id, u.name)).collect())
}

/// Open deals' count, value and value weighted by probability, grouped by currency and
/// by a column: the stage, or the expected close day.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
struct OpenGroup<K: sea_orm::TryGetable> {
    grouped: K,
    currency: String,
    n: i64,
    total: i64,
    weighted: i64,
}

async fn open_totals<K: sea_orm::TryGetable + Send + Sync>(
    kite: &Kite,
    scope: &Scope,
    column: &str,
    whole_pipeline: bool,
) -> Result<Vec<OpenGroup<K>>, CoreError> {
    let sql = Sql::new(&format!(
        "SELECT d.{column} AS grouped, d.currency, COUNT(*) AS n, CAST(SUM(d.value_minor) AS BIGINT) AS total, \
         CAST(SUM(d.value_minor * d.probability) AS BIGINT) AS weighted FROM deals d WHERE"
    ))
    .deals_in_scope(scope, whole_pipeline)
    .push(&format!(" AND d.status = 'open' GROUP BY d.{column}, d.currency"), []);
    all(kite, sql).await
}

/// Open deals grouped by stage and currency, with their value weighted by probability.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenTotal {
    pub stage_id: Uuid,
    pub currency: String,
    pub n: i64,
    pub total: i64,
    /// Sum of value × probability (percent), so in hundredths of minor units.
    pub weighted: i64,
}

pub async fn open_by_stage(kite: &Kite, scope: &Scope) -> Result<Vec<OpenTotal>, CoreError> {
    let groups: Vec<OpenGroup<Uuid>> = open_totals(kite, scope, "stage_id", true).await?;
    Ok(groups
        .into_iter()
        .map(|g| OpenTotal {
            stage_id: g.grouped,
            currency: g.currency,
            n: g.n,
            total: g.total,
            weighted: g.weighted,
        })
        .collect())
}

/// A won deal's value and owner, and when it was created and closed.
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct Won {
    pub owner_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
    pub currency: String,
    pub value_minor: i64,
}

/// Deals won from `start` up to `end`; of the scope's pipeline only, or of any.
pub async fn won_between(
    kite: &Kite,
    scope: &Scope,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    whole_pipeline: bool,
) -> Result<Vec<Won>, CoreError> {
    let sql = Sql::new("SELECT d.owner_id, d.created_at, d.closed_at, d.currency, d.value_minor FROM deals d WHERE")
        .deals_in_scope(scope, whole_pipeline)
        .push(
            " AND d.status = 'won' AND d.closed_at >= ? AND d.closed_at < ?",
            [start.into(), end.into()],
        );
    all(kite, sql).await
}

async fn all<T: FromQueryResult + Send>(kite: &Kite, sql: Sql) -> Result<Vec<T>, CoreError> {
    let statement = sql.build(kite.db.get_database_backend());
    // Streamed: each row becomes its small struct as it arrives, where `all()` would hold
    // every driver row of a year's history at once, for each of the reports running.
    let rows = T::find_by_statement(statement).stream(&kite.db).await?;
    Ok(rows.try_collect().await?)
}
