//! What each analytics report answers. Money stays per currency: a total is a list of
//! [`CurrencyTotal`]s, never one converted number.

use crate::crm::money::CurrencyTotal;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Of the deals created in the period, how many reached each stage of the pipeline (or
/// a later one), went on to the next, and were won in the end.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversionReport {
    pub pipeline_id: Uuid,
    /// The pipeline's open stages in board order.
    pub stages: Vec<StageConversion>,
    pub deals: u64,
    pub won: u64,
    /// Won deals over all the period's deals; None without deals.
    pub win_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageConversion {
    pub stage_id: Uuid,
    pub name: String,
    /// Deals that reached this stage or a later one.
    pub reached: u64,
    /// Of those, the ones that reached the next stage (or were won, after the last).
    pub advanced: u64,
    pub won: u64,
    /// `advanced / reached`.
    pub next_rate: Option<f64>,
    /// `won / reached`.
    pub win_rate: Option<f64>,
}

/// How long deals stay in each stage, from the stays that ended in the period, and how
/// long the period's won deals took from creation to won.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VelocityReport {
    pub pipeline_id: Uuid,
    pub stages: Vec<StageVelocity>,
    pub cycle: SalesCycle,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageVelocity {
    pub stage_id: Uuid,
    pub name: String,
    /// Stays in the stage that ended in the period.
    pub stays: u64,
    pub median_days: Option<f64>,
    pub mean_days: Option<f64>,
    pub p90_days: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SalesCycle {
    pub won_deals: u64,
    pub mean_days: Option<f64>,
    pub median_days: Option<f64>,
}

/// The stages where deals slow down or drop out more than the pipeline's own history
/// (everything before the period) says is normal, worst first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BottleneckReport {
    pub pipeline_id: Uuid,
    pub stages: Vec<Bottleneck>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bottleneck {
    pub stage_id: Uuid,
    pub name: String,
    pub median_days: Option<f64>,
    pub usual_median_days: Option<f64>,
    /// Share of the stays ending in the period that ended with the deal lost.
    pub drop_off: Option<f64>,
    pub usual_drop_off: Option<f64>,
    /// How far the stage is from its usual self: the larger of the two ratios (now over
    /// usual) of time in stage and of drop-off; 1 is normal, 0 when there is nothing to
    /// compare.
    pub severity: f64,
    /// Open deals in the stage now, longest there first (at most 10).
    pub stuck: Vec<StuckDeal>,
    /// All open deals in the stage now.
    pub open_deals: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StuckDeal {
    pub deal_id: Uuid,
    pub title: String,
    pub owner_id: Option<Uuid>,
    pub value_minor: i64,
    pub currency: String,
    pub entered_at: DateTime<Utc>,
    pub days_in_stage: f64,
}

string_enum! {
    /// What win rates are broken down by.
    Dimension {
        Owner => "owner", "Owner",
        Source => "source", "Source",
        Lifecycle => "lifecycle", "Lifecycle stage",
        CompanySize => "company_size", "Company size",
        SizeBand => "size_band", "Deal size",
    }
}

/// Deals closed in the period: won against lost, broken down, with the reasons deals
/// were lost and the value won and lost over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WinLossReport {
    pub won: u64,
    pub lost: u64,
    pub win_rate: Option<f64>,
    pub won_value: Vec<CurrencyTotal>,
    pub lost_value: Vec<CurrencyTotal>,
    pub breakdowns: Vec<Breakdown>,
    /// Most frequent first.
    pub lost_reasons: Vec<LostReason>,
    pub bucket: Bucket,
    pub over_time: Vec<ValueBucket>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub dimension: Dimension,
    /// Most closed deals first.
    pub groups: Vec<WinRateGroup>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WinRateGroup {
    /// The owner's id, the source, the lifecycle stage, the company size, or the band's
    /// name (`under_1k`, `1k_10k`, `10k_50k`, `50k_100k`, `100k_plus`, in major units);
    /// empty for "not set".
    pub key: String,
    pub won: u64,
    pub lost: u64,
    pub win_rate: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LostReason {
    pub reason: String,
    pub count: u64,
    /// Of all lost deals in the period.
    pub share: f64,
    pub value: Vec<CurrencyTotal>,
}

string_enum! {
    Bucket {
        Day => "day", "Day",
        Week => "week", "Week",
        Month => "month", "Month",
    }
}

impl Bucket {
    /// Days for spans up to a month, weeks up to half a year, months beyond.
    pub fn for_days(days: i64) -> Bucket {
        match days {
            ..=31 => Bucket::Day,
            32..=183 => Bucket::Week,
            _ => Bucket::Month,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValueBucket {
    /// The bucket's first day (a Monday for weeks).
    pub start: NaiveDate,
    pub currency: String,
    pub won_minor: i64,
    pub lost_minor: i64,
    pub won: u64,
    pub lost: u64,
}

/// Each owner's results in the period, best first by value won in `currency`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leaderboard {
    /// The currency rows are ranked by; None when nothing was won or open.
    pub currency: Option<String>,
    pub rows: Vec<LeaderRow>,
    /// The whole team's figures (all owners together).
    pub team: LeaderRow,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaderRow {
    /// None for the team row and for deals without owner.
    pub owner_id: Option<Uuid>,
    pub name: String,
    /// 1 for the best; owners tied on value and deals won share a rank.
    pub rank: u32,
    /// Won in the ranking currency.
    pub won_minor: i64,
    /// Won, in every currency.
    pub won_value: Vec<CurrencyTotal>,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub win_rate: Option<f64>,
    pub activities: u64,
    pub avg_cycle_days: Option<f64>,
}

/// The headline figures of the period, for metric cards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// The currency money figures are in; None when the organization has no deals.
    pub currency: Option<String>,
    pub won_minor: i64,
    pub deals_won: u64,
    pub deals_lost: u64,
    pub win_rate: Option<f64>,
    pub new_deals: u64,
    pub avg_won_minor: Option<i64>,
    pub cycle_days: Option<f64>,
    pub activities_done: u64,
}

string_enum! {
    /// The figures a metric card can show.
    MetricKey {
        WonValue => "won_value", "Won value",
        DealsWon => "deals_won", "Deals won",
        WinRate => "win_rate", "Win rate",
        NewDeals => "new_deals", "New deals",
        AvgDealSize => "avg_deal_size", "Average won deal",
        SalesCycle => "sales_cycle", "Sales cycle",
        ActivitiesDone => "activities_done", "Activities done",
    }
}

impl Summary {
    /// The figure a metric card shows, as a number (money in minor units).
    pub fn metric(&self, key: MetricKey) -> Option<f64> {
        match key {
            MetricKey::WonValue => Some(self.won_minor as f64),
            MetricKey::DealsWon => Some(self.deals_won as f64),
            MetricKey::WinRate => self.win_rate,
            MetricKey::NewDeals => Some(self.new_deals as f64),
            MetricKey::AvgDealSize => self.avg_won_minor.map(|v| v as f64),
            MetricKey::SalesCycle => self.cycle_days,
            MetricKey::ActivitiesDone => Some(self.activities_done as f64),
        }
    }
}

/// The open pipeline now, stage by stage: what the board's column heads say.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PipelineSnapshot {
    pub pipeline_id: Uuid,
    pub stages: Vec<StageSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageSnapshot {
    pub stage_id: Uuid,
    pub name: String,
    pub probability: i32,
    pub count: u64,
    pub value: Vec<CurrencyTotal>,
    /// Value × the stage's probability.
    pub weighted: Vec<CurrencyTotal>,
}

string_enum! {
    /// How a forecast weighs an open deal.
    ForecastMethod {
        StageWeighted => "stage_weighted", "Stage-weighted (value × the stage's probability)",
        Calibrated => "calibrated", "Calibrated (your win rates by stage and time in stage)",
    }
}

/// Revenue expected to close, by month of expected close, in each deal's currency.
/// Deals whose expected close has passed count in the current month; deals without one
/// are left out and counted. Two methods are worked out side by side: the stage-weighted
/// pipeline, and one calibrated on the organization's own history; `method` is the one
/// the backtest found more accurate (the stage-weighted baseline unless the calibrated
/// one beat it), and `method_note` says why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Forecast {
    pub method: ForecastMethod,
    pub method_note: String,
    pub months: Vec<ForecastMonth>,
    pub without_close_date: u64,
    /// Per owner and currency, over all months shown.
    pub owners: Vec<ForecastOwner>,
    pub backtest: Backtest,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForecastMonth {
    /// The month's first day.
    pub month: NaiveDate,
    pub currency: String,
    /// Value × the stage's probability.
    pub weighted_minor: i64,
    /// Value × the chance deals like it (same stage, as long in it) were won.
    pub calibrated_minor: i64,
    /// The 10th and 90th percentiles of what closes, simulating each deal's outcome with
    /// the calibrated chances.
    pub low_minor: i64,
    pub high_minor: i64,
    pub open_minor: i64,
    pub deals: u64,
    /// Won so far in that month.
    pub won_minor: i64,
}

impl ForecastMonth {
    /// What the month is expected to bring by `method`.
    pub fn expected_minor(&self, method: ForecastMethod) -> i64 {
        match method {
            ForecastMethod::StageWeighted => self.weighted_minor,
            ForecastMethod::Calibrated => self.calibrated_minor,
        }
    }
}

/// The forecast of one owner's open deals in one currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForecastOwner {
    pub owner_id: Option<Uuid>,
    pub name: String,
    pub currency: String,
    pub deals: u64,
    pub open_minor: i64,
    pub weighted_minor: i64,
    pub calibrated_minor: i64,
    /// Won this month so far.
    pub won_minor: i64,
}

/// Each method replayed at past dates: what it would have said the deals open on that
/// day would bring in, against what they did (counting the deals that have closed since).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Backtest {
    pub points: Vec<BacktestPoint>,
    /// Weighted absolute percentage error over the points (0.2 is off by a fifth);
    /// `None` when there was nothing to replay.
    pub stage_weighted_error: Option<f64>,
    pub calibrated_error: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BacktestPoint {
    /// The day replayed.
    pub at: NaiveDate,
    pub currency: String,
    /// Deals open that day that have closed since.
    pub deals: u64,
    pub weighted_minor: i64,
    pub calibrated_minor: i64,
    /// What those deals were won for.
    pub won_minor: i64,
}

/// The deal size bands below the top one, each with the value in major units it ends
/// before; the reports' SQL bands deals by the same list.
pub const SIZE_BANDS: [(i64, &str); 4] = [
    (1_000, "under_1k"),
    (10_000, "1k_10k"),
    (50_000, "10k_50k"),
    (100_000, "50k_100k"),
];
pub const TOP_SIZE_BAND: &str = "100k_plus";

/// The band a deal's value falls in, in major units of its own currency.
pub fn size_band(value_minor: i64) -> &'static str {
    let major = value_minor / 100;
    SIZE_BANDS
        .iter()
        .find(|(below, _)| major < *below)
        .map_or(TOP_SIZE_BAND, |(_, band)| band)
}

pub fn size_band_label(key: &str) -> &'static str {
    match key {
        "under_1k" => "Under 1k",
        "1k_10k" => "1k–10k",
        "10k_50k" => "10k–50k",
        "50k_100k" => "50k–100k",
        "100k_plus" => "100k and more",
        _ => "Not set",
    }
}
