//! Deals won or lost in a period, totalled by SQL per what a report groups them by: a
//! year's closed deals cross the driver as a few rows per owner, band or day, not one
//! per deal (decoding every deal's row cost more than the reports' whole frame work).

use super::all;
use crate::scope::{Scope, Window};
use crate::sql::Sql;
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::{Dimension, SIZE_BANDS, TOP_SIZE_BAND};
use sea_orm::{DatabaseBackend, FromQueryResult, Value};
use uuid::Uuid;

/// What closed deals are totalled by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grouping {
    Owner,
    /// The source of the deal's first contact, or else of its company's.
    Source,
    /// Likewise its lifecycle stage.
    Lifecycle,
    CompanySize,
    SizeBand,
    /// Lost deals only.
    LostReason,
    /// The day the deal closed, in the scope's time zone.
    Day,
}

impl Grouping {
    pub const WIN_RATES: [Grouping; 5] = [
        Grouping::Owner,
        Grouping::Source,
        Grouping::Lifecycle,
        Grouping::CompanySize,
        Grouping::SizeBand,
    ];

    pub fn of(dimension: Dimension) -> Self {
        match dimension {
            Dimension::Owner => Grouping::Owner,
            Dimension::Source => Grouping::Source,
            Dimension::Lifecycle => Grouping::Lifecycle,
            Dimension::CompanySize => Grouping::CompanySize,
            Dimension::SizeBand => Grouping::SizeBand,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Grouping::Owner => "owner",
            Grouping::Source => "source",
            Grouping::Lifecycle => "lifecycle",
            Grouping::CompanySize => "company_size",
            Grouping::SizeBand => "size_band",
            Grouping::LostReason => "lost_reason",
            Grouping::Day => "day",
        }
    }

    fn named(name: &str) -> Option<Self> {
        [Grouping::LostReason, Grouping::Day]
            .into_iter()
            .chain(Grouping::WIN_RATES)
            .find(|g| g.name() == name)
    }

    fn needs_contacts(self) -> bool {
        matches!(self, Grouping::Source | Grouping::Lifecycle)
    }
}

/// The closed deals of one group in one currency, won or lost.
#[derive(Clone, Debug, PartialEq)]
pub struct ClosedTotal {
    pub grouping: Grouping,
    /// The owner's id, the source, the lifecycle stage, the company size, the band, the
    /// lost reason or the local day (`YYYY-MM-DD`); None when the deal has none.
    pub key: Option<String>,
    pub won: bool,
    pub currency: String,
    pub count: u64,
    pub minor: i64,
    /// Seconds from creation to close, summed over the won deals; 0 unless asked for.
    pub cycle_seconds: f64,
}

impl ClosedTotal {
    /// The owner a [`Grouping::Owner`] total is of.
    pub fn owner(&self) -> Option<Uuid> {
        self.key.as_deref().and_then(|k| Uuid::parse_str(k).ok())
    }
}

#[derive(FromQueryResult)]
struct Row {
    grouping: String,
    key: Option<String>,
    status: String,
    currency: String,
    n: i64,
    minor: i64,
    cycle_seconds: f64,
}

/// The closed deals of the period totalled by each of `groupings`, with their sales
/// cycles summed when `cycles`. One statement: the period's deals are read once.
pub async fn closed_totals(
    kite: &Kite,
    scope: &Scope,
    window: Window,
    groupings: &[Grouping],
    cycles: bool,
) -> Result<Vec<ClosedTotal>, CoreError> {
    if groupings.is_empty() {
        return Ok(Vec::new());
    }
    let backend = kite.db.get_database_backend();
    let rows: Vec<Row> = all(kite, statement(backend, scope, window, groupings, cycles)).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let grouping = Grouping::named(&row.grouping)?;
            // SQLite hands an owner's id over as bare hex, PostgreSQL hyphenated.
            let key = match grouping {
                Grouping::Owner => row.key.and_then(|k| Uuid::parse_str(&k).ok()).map(|id| id.to_string()),
                _ => row.key,
            };
            Some(ClosedTotal {
                grouping,
                key,
                won: row.status == "won",
                currency: row.currency,
                count: u64::try_from(row.n).unwrap_or(0),
                minor: row.minor,
                cycle_seconds: row.cycle_seconds,
            })
        })
        .collect())
}

fn statement(backend: DatabaseBackend, scope: &Scope, window: Window, groupings: &[Grouping], cycles: bool) -> Sql {
    let cycle = if cycles {
        format!(
            "CASE WHEN d.status = 'won' THEN {} ELSE 0 END",
            Sql::seconds_between(backend, "d.created_at", "d.closed_at")
        )
    } else {
        "0".to_owned()
    };
    let owner = match backend {
        DatabaseBackend::Postgres => "CAST(d.owner_id AS TEXT)",
        _ => "lower(hex(d.owner_id))",
    };
    let mut deals = Sql::new(&format!(
        "SELECT d.status, d.currency, d.value_minor, d.lost_reason, co.size AS company_size, \
         {owner} AS owner_key, CAST({cycle} AS DOUBLE PRECISION) AS cycle"
    ));
    if groupings.contains(&Grouping::SizeBand) {
        deals = deals.append(size_band());
    }
    if groupings.contains(&Grouping::Day) {
        deals = deals
            .push(", ", [])
            .append(Sql::local_day(backend, "d.closed_at", &window.utc_offsets(scope.tz)))
            .push(" AS day", []);
    }
    let contacts = groupings.iter().any(|g| g.needs_contacts());
    if contacts {
        // Each deal's first contact, or else its company's, found by one index seek each
        // and joined once: a correlated lookup per column and fallback was several
        // times slower.
        deals = deals.push(
            ", (SELECT c.id FROM deal_contacts dc JOIN contacts c ON c.id = dc.contact_id \
             WHERE dc.deal_id = d.id AND c.deleted_at IS NULL ORDER BY c.created_at, c.id LIMIT 1) AS deal_contact, \
             (SELECT c.id FROM contacts c WHERE c.organization_id = d.organization_id AND c.company_id = d.company_id \
             AND c.deleted_at IS NULL ORDER BY c.created_at, c.id LIMIT 1) AS company_contact",
            [],
        );
    }
    deals = deals
        .push(" FROM deals d LEFT JOIN companies co ON co.id = d.company_id WHERE", [])
        .deals_in_scope(scope, false)
        .push(
            " AND d.status IN ('won', 'lost') AND d.closed_at >= ? AND d.closed_at < ?",
            [window.start.into(), window.end.into()],
        );
    if contacts {
        deals = Sql::new("SELECT x.*, COALESCE(fc.source, cc.source) AS source, ")
            .push(
                "COALESCE(fc.lifecycle_stage, cc.lifecycle_stage) AS lifecycle FROM (",
                [],
            )
            .append(deals)
            .push(
                ") x LEFT JOIN contacts fc ON fc.id = x.deal_contact LEFT JOIN contacts cc ON cc.id = x.company_contact",
                [],
            );
    }
    // Read once, totalled once per grouping.
    let materialized = if groupings.len() > 1 { "MATERIALIZED " } else { "" };
    let mut sql = Sql::new(&format!("WITH c AS {materialized}("))
        .append(deals)
        .push(")", []);
    for (i, grouping) in groupings.iter().enumerate() {
        let key = match grouping {
            Grouping::Owner => "c.owner_key",
            Grouping::Source => "c.source",
            Grouping::Lifecycle => "c.lifecycle",
            Grouping::CompanySize => "c.company_size",
            Grouping::SizeBand => "c.band",
            Grouping::LostReason => "c.lost_reason",
            Grouping::Day => "c.day",
        };
        let only_lost = if *grouping == Grouping::LostReason {
            " WHERE c.status = 'lost'"
        } else {
            ""
        };
        sql = sql.push(
            &format!(
                "{}SELECT CAST('{}' AS TEXT) AS grouping, CAST({key} AS TEXT) AS key, c.status, c.currency, \
                 COUNT(*) AS n, CAST(SUM(c.value_minor) AS BIGINT) AS minor, \
                 CAST(SUM(c.cycle) AS DOUBLE PRECISION) AS cycle_seconds FROM c{only_lost} \
                 GROUP BY {key}, c.status, c.currency",
                if i == 0 { " " } else { " UNION ALL " },
                grouping.name()
            ),
            [],
        );
    }
    sql
}

/// `, <band> AS band`: the deal's size band, from the same list as the Rust one.
fn size_band() -> Sql {
    let values: Vec<Value> = SIZE_BANDS
        .iter()
        .flat_map(|(below, band)| [(*below).into(), (*band).into()])
        .chain([TOP_SIZE_BAND.into()])
        .collect();
    Sql::new(&format!(
        ", CASE {}ELSE CAST(? AS TEXT) END AS band",
        "WHEN d.value_minor / 100 < ? THEN CAST(? AS TEXT) ".repeat(SIZE_BANDS.len())
    ))
    .push("", values)
}
