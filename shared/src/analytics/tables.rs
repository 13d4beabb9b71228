//! Each report as a table: the rows a report page shows under its chart and the rows
//! its CSV or XLSX export holds, built once here so the two never disagree.

use super::dashboards::DataSource;
use super::reports::{
    BottleneckReport, ConversionReport, Dimension, Forecast, LeaderRow, Leaderboard, VelocityReport, WinLossReport,
    size_band_label,
};
use crate::crm::money::{CurrencyTotal, format_money};
use crate::scheduled_exports::ExportFormat;
use serde::{Deserialize, Serialize};

/// What `GET /analytics/export` exports, besides the report's own filters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ReportExportQuery {
    /// The report: `conversion`, `velocity`, `bottlenecks`, `win_loss`, `lost_reasons`,
    /// `won_over_time`, `leaderboard` or `forecast`.
    pub report: DataSource,
    /// `csv` (default) or `xlsx`.
    #[serde(default)]
    pub format: ExportFormat,
    /// For `win_loss`: what win rates are broken down by; default `owner`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Dimension>,
}

impl ReportExportQuery {
    /// This query's own parameters, which are not the report's filters.
    pub const PARAMETERS: [&str; 3] = ["report", "format", "by"];
}

/// One cell, typed so a page can format it and an export can write the plain number.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// Text that opens a page of the SPA.
    Link {
        text: String,
        href: String,
    },
    Count(u64),
    /// A share from 0 to 1; None when there was nothing to divide.
    Share(Option<f64>),
    Days(Option<f64>),
    /// An amount in minor units of its currency.
    Money {
        minor: i64,
        currency: String,
    },
}

impl Cell {
    /// What a person reads: "42 %", "3.5 d", "€1,200.00", "—" for nothing.
    pub fn display(&self) -> String {
        match self {
            Cell::Text(text) | Cell::Link { text, .. } => text.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Share(Some(share)) => format!("{:.0} %", share * 100.0),
            Cell::Days(Some(days)) => format!("{days:.1} d"),
            Cell::Share(None) | Cell::Days(None) => "—".into(),
            Cell::Money { minor, currency } => format_money(*minor, currency),
        }
    }

    /// The number a spreadsheet should hold (shares in percent, money in major units,
    /// to the cent), or None for text and for missing figures.
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Count(n) => Some(*n as f64),
            Cell::Share(share) => share.map(|s| (s * 1000.0).round() / 10.0),
            Cell::Days(days) => days.map(|d| (d * 10.0).round() / 10.0),
            Cell::Money { minor, .. } => Some(*minor as f64 / 100.0),
            Cell::Text(_) | Cell::Link { .. } => None,
        }
    }

    /// What a CSV file holds: the number when there is one, else the text (empty for a
    /// missing figure).
    pub fn plain(&self) -> String {
        match (self, self.number()) {
            (_, Some(n)) => n.to_string(),
            (Cell::Text(text) | Cell::Link { text, .. }, None) => text.clone(),
            _ => String::new(),
        }
    }

    fn money(total: Option<&CurrencyTotal>, currency: &str) -> Cell {
        Cell::Money {
            minor: total.map_or(0, |t| t.minor),
            currency: currency.to_owned(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub title: String,
    pub numeric: bool,
    /// Shown even in a small dashboard widget; the others only on the report page and in
    /// the export.
    pub essential: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportTable {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Rows worth a look: stages well past their usual selves.
    pub flagged: Vec<usize>,
}

impl ReportTable {
    fn new(columns: &[(&str, bool, bool)]) -> Self {
        ReportTable {
            columns: columns
                .iter()
                .map(|&(title, numeric, essential)| Column {
                    title: title.to_owned(),
                    numeric,
                    essential,
                })
                .collect(),
            rows: Vec::new(),
            flagged: Vec::new(),
        }
    }

    fn with_rows(mut self, rows: impl IntoIterator<Item = Vec<Cell>>) -> Self {
        self.rows = rows.into_iter().collect();
        self
    }

    /// One money column per currency, so amounts are never added across currencies.
    fn money_columns(&mut self, prefix: &str, currencies: &[String], essential: bool) {
        for currency in currencies {
            self.columns.push(Column {
                title: format!("{prefix} {currency}"),
                numeric: true,
                essential,
            });
        }
    }

    pub fn headers(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.title.clone()).collect()
    }
}

/// The sources a report page shows as a table, and so can export.
pub fn has_table(source: DataSource) -> bool {
    matches!(
        source,
        DataSource::Conversion
            | DataSource::Velocity
            | DataSource::Bottlenecks
            | DataSource::WinLoss
            | DataSource::LostReasons
            | DataSource::WonOverTime
            | DataSource::Leaderboard
            | DataSource::Forecast
    )
}

/// Every currency among the totals, in first-seen order.
fn currencies<'a>(totals: impl Iterator<Item = &'a CurrencyTotal>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for total in totals {
        if !seen.contains(&total.currency) {
            seen.push(total.currency.clone());
        }
    }
    seen
}

fn amounts(totals: &[CurrencyTotal], currencies: &[String]) -> impl Iterator<Item = Cell> {
    currencies
        .iter()
        .map(|c| Cell::money(totals.iter().find(|t| &t.currency == c), c))
        .collect::<Vec<_>>()
        .into_iter()
}

pub fn conversion(report: &ConversionReport) -> ReportTable {
    ReportTable::new(&[
        ("Stage", false, true),
        ("Reached", true, true),
        ("Went on", true, false),
        ("To next %", true, true),
        ("Won", true, false),
        ("Won %", true, true),
    ])
    .with_rows(report.stages.iter().map(|s| {
        vec![
            Cell::Text(s.name.clone()),
            Cell::Count(s.reached),
            Cell::Count(s.advanced),
            Cell::Share(s.next_rate),
            Cell::Count(s.won),
            Cell::Share(s.win_rate),
        ]
    }))
}

pub fn velocity(report: &VelocityReport) -> ReportTable {
    ReportTable::new(&[
        ("Stage", false, true),
        ("Stays", true, false),
        ("Median days", true, true),
        ("Mean days", true, true),
        ("90th percentile days", true, true),
    ])
    .with_rows(report.stages.iter().map(|s| {
        vec![
            Cell::Text(s.name.clone()),
            Cell::Count(s.stays),
            Cell::Days(s.median_days),
            Cell::Days(s.mean_days),
            Cell::Days(s.p90_days),
        ]
    }))
}

pub fn bottlenecks(report: &BottleneckReport) -> ReportTable {
    let mut table = ReportTable::new(&[
        ("Stage", false, true),
        ("Median days", true, true),
        ("Usual median days", true, true),
        ("Lost %", true, true),
        ("Usually lost %", true, false),
        ("Open deals", true, false),
        ("Stuck longest", false, true),
        ("Days there", true, false),
    ]);
    table.rows = report
        .stages
        .iter()
        .map(|b| {
            let stuck = b.stuck.first();
            vec![
                Cell::Text(b.name.clone()),
                Cell::Days(b.median_days),
                Cell::Days(b.usual_median_days),
                Cell::Share(b.drop_off),
                Cell::Share(b.usual_drop_off),
                Cell::Count(b.open_deals),
                stuck.map_or(Cell::Text(String::new()), |d| Cell::Link {
                    text: d.title.clone(),
                    href: format!("/deals/{}", d.deal_id),
                }),
                Cell::Days(stuck.map(|d| d.days_in_stage)),
            ]
        })
        .collect();
    table.flagged = report
        .stages
        .iter()
        .enumerate()
        .filter(|(_, b)| b.severity > FLAGGED_SEVERITY)
        .map(|(i, _)| i)
        .collect();
    table
}

/// How far past its usual self (see `Bottleneck::severity`) a stage is flagged.
pub const FLAGGED_SEVERITY: f64 = 1.5;

/// The name a breakdown group goes by; `owner_name` turns an owner's id into a name.
pub fn group_label(dimension: Dimension, key: &str, owner_name: &dyn Fn(&str) -> String) -> String {
    match (dimension, key) {
        (_, "") => "Not set".into(),
        (Dimension::Owner, id) => owner_name(id),
        (Dimension::SizeBand, band) => size_band_label(band).into(),
        (_, other) => other.into(),
    }
}

pub fn win_loss(report: &WinLossReport, dimension: Dimension, owner_name: &dyn Fn(&str) -> String) -> ReportTable {
    ReportTable::new(&[
        (dimension.label(), false, true),
        ("Won", true, true),
        ("Lost", true, true),
        ("Win rate %", true, true),
    ])
    .with_rows(
        report
            .breakdowns
            .iter()
            .filter(|b| b.dimension == dimension)
            .flat_map(|b| &b.groups)
            .map(|g| {
                vec![
                    Cell::Text(group_label(dimension, &g.key, owner_name)),
                    Cell::Count(g.won),
                    Cell::Count(g.lost),
                    Cell::Share(g.win_rate),
                ]
            }),
    )
}

pub fn lost_reasons(report: &WinLossReport) -> ReportTable {
    let mut table = ReportTable::new(&[("Reason", false, true), ("Deals", true, true), ("Share %", true, true)]);
    let currencies = currencies(report.lost_reasons.iter().flat_map(|r| &r.value));
    table.money_columns("Value", &currencies, false);
    table.rows = report
        .lost_reasons
        .iter()
        .map(|r| {
            [
                Cell::Text(r.reason.clone()),
                Cell::Count(r.count),
                Cell::Share(Some(r.share)),
            ]
            .into_iter()
            .chain(amounts(&r.value, &currencies))
            .collect()
        })
        .collect();
    table
}

pub fn won_over_time(report: &WinLossReport) -> ReportTable {
    ReportTable::new(&[
        (report.bucket.label(), false, true),
        ("Currency", false, true),
        ("Deals won", true, false),
        ("Deals lost", true, false),
        ("Won", true, true),
        ("Lost", true, true),
    ])
    .with_rows(report.over_time.iter().map(|b| {
        vec![
            Cell::Text(b.start.to_string()),
            Cell::Text(b.currency.clone()),
            Cell::Count(b.won),
            Cell::Count(b.lost),
            Cell::Money {
                minor: b.won_minor,
                currency: b.currency.clone(),
            },
            Cell::Money {
                minor: b.lost_minor,
                currency: b.currency.clone(),
            },
        ]
    }))
}

/// The owners by rank, then the team's row.
pub fn leaderboard(board: &Leaderboard) -> ReportTable {
    let mut table = ReportTable::new(&[("Rank", true, true), ("Owner", false, true)]);
    let currencies = currencies(board.team.won_value.iter());
    table.money_columns("Won", &currencies, true);
    for (title, essential) in [
        ("Deals won", false),
        ("Deals lost", false),
        ("Win rate %", true),
        ("Activities", true),
        ("Average cycle days", false),
    ] {
        table.columns.push(Column {
            title: title.into(),
            numeric: true,
            essential,
        });
    }
    let row = |r: &LeaderRow, rank: Cell, name: String| -> Vec<Cell> {
        [rank, Cell::Text(name)]
            .into_iter()
            .chain(amounts(&r.won_value, &currencies))
            .chain([
                Cell::Count(r.deals_won),
                Cell::Count(r.deals_lost),
                Cell::Share(r.win_rate),
                Cell::Count(r.activities),
                Cell::Days(r.avg_cycle_days),
            ])
            .collect()
    };
    table.rows = board
        .rows
        .iter()
        .map(|r| row(r, Cell::Count(u64::from(r.rank)), r.name.clone()))
        .chain(std::iter::once(row(
            &board.team,
            Cell::Text(String::new()),
            "Team".into(),
        )))
        .collect();
    table
}

pub fn forecast(forecast: &Forecast) -> ReportTable {
    let mut table = ReportTable::new(&[
        ("Month", false, true),
        ("Currency", false, true),
        ("Deals", true, true),
        ("Open", true, false),
        ("Stage-weighted", true, true),
        ("Calibrated", true, true),
        ("Low (P10)", true, false),
        ("High (P90)", true, false),
        ("Won so far", true, true),
    ]);
    table.rows = forecast
        .months
        .iter()
        .map(|m| {
            let money = |minor| Cell::Money {
                minor,
                currency: m.currency.clone(),
            };
            vec![
                Cell::Text(m.month.format("%Y-%m").to_string()),
                Cell::Text(m.currency.clone()),
                Cell::Count(m.deals),
                money(m.open_minor),
                money(m.weighted_minor),
                money(m.calibrated_minor),
                money(m.low_minor),
                money(m.high_minor),
                money(m.won_minor),
            ]
        })
        .collect();
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::reports::{Backtest, Breakdown, ForecastMethod, ForecastMonth, WinRateGroup};

    fn total(currency: &str, minor: i64) -> CurrencyTotal {
        CurrencyTotal {
            currency: currency.into(),
            minor,
            count: 1,
        }
    }

    fn leader(name: &str, rank: u32, won: Vec<CurrencyTotal>) -> LeaderRow {
        LeaderRow {
            owner_id: None,
            name: name.into(),
            rank,
            won_minor: won.first().map_or(0, |t| t.minor),
            won_value: won,
            deals_won: 1,
            deals_lost: 1,
            win_rate: Some(0.5),
            activities: 3,
            avg_cycle_days: Some(12.25),
        }
    }

    #[test]
    fn cells_show_units_to_people_and_plain_numbers_to_spreadsheets() {
        assert_eq!(Cell::Share(Some(0.4286)).display(), "43 %");
        assert_eq!(Cell::Share(Some(0.4286)).plain(), "42.9");
        assert_eq!(Cell::Days(Some(3.04)).display(), "3.0 d");
        assert_eq!(Cell::Share(None).display(), "—");
        assert_eq!(Cell::Share(None).plain(), "");
        let money = Cell::Money {
            minor: 123_450,
            currency: "EUR".into(),
        };
        assert_eq!(money.display(), "€1,234.50");
        assert_eq!(money.plain(), "1234.5");
    }

    #[test]
    fn the_leaderboard_has_a_won_column_per_currency_and_ends_with_the_team() {
        let board = Leaderboard {
            currency: Some("EUR".into()),
            rows: vec![
                leader("Ada", 1, vec![total("EUR", 50_000)]),
                leader("Bob", 2, vec![total("USD", 20_000)]),
            ],
            team: leader("", 0, vec![total("EUR", 50_000), total("USD", 20_000)]),
        };
        let table = leaderboard(&board);
        assert_eq!(
            table.headers()[..4],
            ["Rank", "Owner", "Won EUR", "Won USD"].map(String::from)
        );
        let bob: Vec<String> = table.rows[1].iter().map(Cell::plain).collect();
        assert_eq!(bob[..4], ["2", "Bob", "0", "200"].map(String::from));
        assert_eq!(table.rows[2][1], Cell::Text("Team".into()));
    }

    #[test]
    fn win_rates_by_owner_are_named_and_missing_keys_read_not_set() {
        let report = WinLossReport {
            won: 3,
            lost: 1,
            win_rate: Some(0.75),
            won_value: vec![],
            lost_value: vec![],
            breakdowns: vec![Breakdown {
                dimension: Dimension::Owner,
                groups: vec![
                    WinRateGroup {
                        key: "u1".into(),
                        won: 2,
                        lost: 1,
                        win_rate: Some(2.0 / 3.0),
                    },
                    WinRateGroup {
                        key: "".into(),
                        won: 1,
                        lost: 0,
                        win_rate: Some(1.0),
                    },
                ],
            }],
            lost_reasons: vec![],
            bucket: crate::analytics::reports::Bucket::Month,
            over_time: vec![],
        };
        let table = win_loss(&report, Dimension::Owner, &|id| format!("user {id}"));
        let names: Vec<String> = table.rows.iter().map(|r| r[0].display()).collect();
        assert_eq!(names, ["user u1", "Not set"]);
        assert_eq!(table.rows[0][3].plain(), "66.7");
        assert!(win_loss(&report, Dimension::Source, &|id| id.into()).rows.is_empty());
    }

    #[test]
    fn forecast_rows_keep_each_months_currency() {
        let table = forecast(&Forecast {
            method: ForecastMethod::StageWeighted,
            method_note: String::new(),
            months: vec![ForecastMonth {
                month: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
                currency: "USD".into(),
                weighted_minor: 5_000,
                calibrated_minor: 4_000,
                low_minor: 0,
                high_minor: 10_000,
                open_minor: 10_000,
                deals: 2,
                won_minor: 0,
            }],
            without_close_date: 0,
            owners: Vec::new(),
            backtest: Backtest::default(),
        });
        assert_eq!(table.rows[0][0].display(), "2026-12");
        assert_eq!(table.rows[0][4].display(), "$50.00");
    }
}
