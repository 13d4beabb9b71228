//! Revenue expected to close, by month, currency and owner: the stage-weighted pipeline
//! and a version calibrated on the organization's own win rates by stage and time in
//! stage ([`calibrate`]), with a 10th–90th percentile range ([`simulate`]). Both are
//! replayed on the past twelve months ([`backtest`]); the calibrated one is shown first
//! only when it was the more accurate there.

mod backtest;
pub(crate) mod calibrate;
mod simulate;

use crate::read::{self, ClosedStay, OpenDealNow, Won};
use crate::scope::{Scope, start_of};
use crate::win_loss::bucket_start;
use calibrate::{WinRates, days};
use chrono::{DateTime, Months, NaiveDate, Utc};
use chrono_tz::Tz;
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::{Backtest, Bucket, Forecast, ForecastMethod, ForecastMonth, ForecastOwner};
use simulate::Draw;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Months the forecast looks ahead, this one included.
const FORECAST_MONTHS: u32 = 6;
/// Months replayed by the backtest, each on its first day.
const BACKTEST_MONTHS: u32 = 12;

pub async fn forecast(kite: &Kite, scope: &Scope) -> Result<Forecast, CoreError> {
    let open = read::open_deals(kite, scope).await?;
    let stays = read::closed_stays(kite, scope).await?;
    let this_month = bucket_start(Bucket::Month, scope.now.with_timezone(&scope.tz).date_naive());
    let won = read::won_between(kite, scope, start_of(scope.tz, this_month), scope.now, false).await?;
    let names = read::user_names(kite, scope.organization).await?;
    let replayed: Vec<DateTime<Utc>> = (1..=BACKTEST_MONTHS)
        .rev()
        .map(|back| start_of(scope.tz, this_month - Months::new(back)))
        .collect();
    let mut forecast = build(
        &Inputs {
            open: &open,
            stays: &stays,
            won: &won,
            now: scope.now,
            this_month,
            tz: scope.tz,
        },
        &replayed,
        &names,
    );
    if let Some(currency) = &scope.currency {
        forecast.months.retain(|m| &m.currency == currency);
        forecast.owners.retain(|o| &o.currency == currency);
        forecast.backtest.points.retain(|p| &p.currency == currency);
    }
    Ok(forecast)
}

pub(crate) struct Inputs<'a> {
    pub open: &'a [OpenDealNow],
    pub stays: &'a [ClosedStay],
    /// Won this month so far.
    pub won: &'a [Won],
    pub now: DateTime<Utc>,
    pub this_month: NaiveDate,
    pub tz: Tz,
}

/// The month an open deal is expected in: its expected close's, or this one when that has
/// passed; `None` beyond the months shown or without a date.
fn month_of(deal: &OpenDealNow, this_month: NaiveDate) -> Option<NaiveDate> {
    let month = bucket_start(Bucket::Month, deal.expected_close?).max(this_month);
    (month < this_month + Months::new(FORECAST_MONTHS)).then_some(month)
}

fn empty_month(month: NaiveDate, currency: &str) -> ForecastMonth {
    ForecastMonth {
        month,
        currency: currency.to_owned(),
        weighted_minor: 0,
        calibrated_minor: 0,
        low_minor: 0,
        high_minor: 0,
        open_minor: 0,
        deals: 0,
        won_minor: 0,
    }
}

pub(crate) fn build(inputs: &Inputs, replayed: &[DateTime<Utc>], names: &HashMap<Uuid, String>) -> Forecast {
    let rates = WinRates::learn(inputs.stays);
    let mut months: BTreeMap<(NaiveDate, String), ForecastMonth> = BTreeMap::new();
    let mut owners: BTreeMap<(Option<Uuid>, String), ForecastOwner> = BTreeMap::new();
    let mut chances = Vec::new();
    let mut without_close_date = 0;
    for deal in inputs.open {
        let Some(month) = month_of(deal, inputs.this_month) else {
            without_close_date += u64::from(deal.expected_close.is_none());
            continue;
        };
        let age = days((inputs.now - deal.entered_at.unwrap_or(deal.created_at)).num_seconds());
        let chance = rates.chance(deal.stage_id, deal.probability, age);
        let value = deal.value_minor as f64;
        let weighted = (value * f64::from(deal.probability) / 100.0).round() as i64;
        let calibrated = (value * chance).round() as i64;
        let key = (month, deal.currency.clone());
        let m = months
            .entry(key.clone())
            .or_insert_with(|| empty_month(month, &deal.currency));
        m.deals += 1;
        m.open_minor += deal.value_minor;
        m.weighted_minor += weighted;
        m.calibrated_minor += calibrated;
        chances.push((key, chance, deal.value_minor));
        let o = owner_row(&mut owners, names, deal.owner_id, &deal.currency);
        o.deals += 1;
        o.open_minor += deal.value_minor;
        o.weighted_minor += weighted;
        o.calibrated_minor += calibrated;
    }
    for deal in inputs.won {
        let month = bucket_start(Bucket::Month, deal.closed_at.with_timezone(&inputs.tz).date_naive());
        if month == inputs.this_month {
            months
                .entry((month, deal.currency.clone()))
                .or_insert_with(|| empty_month(month, &deal.currency))
                .won_minor += deal.value_minor;
            owner_row(&mut owners, names, deal.owner_id, &deal.currency).won_minor += deal.value_minor;
        }
    }
    let cells: Vec<(NaiveDate, String)> = months.keys().cloned().collect();
    let index: HashMap<&(NaiveDate, String), usize> = cells.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let draws: Vec<Draw> = chances
        .iter()
        .filter_map(|(key, chance, value)| {
            Some(Draw {
                cell: *index.get(key)?,
                chance: *chance,
                value_minor: *value,
            })
        })
        .collect();
    for ((low, high), m) in simulate::range(&draws, cells.len())
        .into_iter()
        .zip(months.values_mut())
    {
        m.low_minor = low;
        m.high_minor = high;
    }
    let backtest = backtest::replay(inputs.stays, replayed);
    let (method, method_note) = choose(&backtest);
    Forecast {
        method,
        method_note,
        months: months.into_values().collect(),
        without_close_date,
        owners: owners.into_values().collect(),
        backtest,
    }
}

fn owner_row<'a>(
    owners: &'a mut BTreeMap<(Option<Uuid>, String), ForecastOwner>,
    names: &HashMap<Uuid, String>,
    owner: Option<Uuid>,
    currency: &str,
) -> &'a mut ForecastOwner {
    owners
        .entry((owner, currency.to_owned()))
        .or_insert_with(|| ForecastOwner {
            owner_id: owner,
            name: owner
                .and_then(|o| names.get(&o).cloned())
                .unwrap_or_else(|| "No owner".into()),
            currency: currency.to_owned(),
            deals: 0,
            open_minor: 0,
            weighted_minor: 0,
            calibrated_minor: 0,
            won_minor: 0,
        })
}

/// The calibrated method leads only when the backtest measured it more accurate than
/// the stage-weighted baseline on enough past days.
fn choose(backtest: &Backtest) -> (ForecastMethod, String) {
    let days = backtest
        .points
        .iter()
        .map(|p| p.at)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let percent = |e: f64| format!("{:.1}%", e * 100.0);
    match (backtest.stage_weighted_error, backtest.calibrated_error) {
        (Some(weighted), Some(calibrated)) if days >= backtest::MIN_POINTS && calibrated < weighted => (
            ForecastMethod::Calibrated,
            format!(
                "Calibrated on your win rates: replayed on {days} past months it was off by {} against {} for the stage-weighted baseline.",
                percent(calibrated),
                percent(weighted)
            ),
        ),
        (Some(weighted), Some(calibrated)) if days >= backtest::MIN_POINTS => (
            ForecastMethod::StageWeighted,
            format!(
                "Stage-weighted: replayed on {days} past months the calibrated method was off by {} and did not beat this baseline's {}.",
                percent(calibrated),
                percent(weighted)
            ),
        ),
        _ => (
            ForecastMethod::StageWeighted,
            format!(
                "Stage-weighted: too little closed history to backtest yet (needs deals open on at least {} past month starts that have since closed).",
                backtest::MIN_POINTS
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::calibrate::tests::{at, stay};
    use super::*;

    fn open(stage: Uuid, probability: i32, close: NaiveDate, value: i64, entered_day: i64) -> OpenDealNow {
        OpenDealNow {
            owner_id: None,
            value_minor: value,
            currency: "EUR".into(),
            stage_id: stage,
            probability,
            expected_close: Some(close),
            created_at: at(entered_day),
            entered_at: Some(at(entered_day)),
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn months_weigh_open_deals_both_ways_and_overdue_ones_count_now() {
        let stage = Uuid::now_v7();
        let this_month = day(2026, 3, 1);
        let deals = [
            open(stage, 50, day(2026, 2, 10), 1000, 60), // overdue: this month
            open(stage, 10, day(2026, 3, 20), 2000, 60),
            open(stage, 25, day(2026, 4, 2), 4000, 60),
            open(stage, 90, day(2027, 1, 1), 9000, 60), // beyond six months
        ];
        let inputs = Inputs {
            open: &deals,
            stays: &[],
            won: &[],
            now: at(70),
            this_month,
            tz: Tz::UTC,
        };
        let forecast = build(&inputs, &[], &HashMap::new());
        let months: Vec<(NaiveDate, i64, i64, i64)> = forecast
            .months
            .iter()
            .map(|m| (m.month, m.weighted_minor, m.calibrated_minor, m.open_minor))
            .collect();
        // Without history the calibrated chance is the deal's probability.
        assert_eq!(
            months,
            vec![(day(2026, 3, 1), 700, 700, 3000), (day(2026, 4, 1), 1000, 1000, 4000)]
        );
        assert_eq!(forecast.method, ForecastMethod::StageWeighted);
        let range = (forecast.months[1].low_minor, forecast.months[1].high_minor);
        assert!(
            range == (0, 0) || range == (0, 4000) || range == (4000, 4000),
            "{range:?}"
        );
    }

    #[test]
    fn with_history_where_stuck_deals_lose_the_calibrated_method_leads_and_discounts_them() {
        let stage = Uuid::now_v7();
        let mut stays = Vec::new();
        for i in 0..60 {
            stays.push(stay(stage, i * 5, 3, true, 1000));
            stays.push(stay(stage, i * 5, 30, false, 1000));
        }
        let now = at(320);
        let this_month = now.date_naive();
        let stuck = open(stage, 50, this_month, 1000, 250);
        let fresh = open(stage, 50, this_month, 1000, 319);
        let inputs = Inputs {
            open: &[stuck, fresh],
            stays: &stays,
            won: &[],
            now,
            this_month,
            tz: Tz::UTC,
        };
        let replayed: Vec<_> = (1..=5).map(|m| at(m * 50 + 1)).collect();
        let forecast = build(&inputs, &replayed, &HashMap::new());
        assert_eq!(forecast.method, ForecastMethod::Calibrated, "{}", forecast.method_note);
        let month = &forecast.months[0];
        assert_eq!(month.weighted_minor, 1000);
        assert!(
            month.calibrated_minor < 700,
            "the stuck deal is discounted: {}",
            month.calibrated_minor
        );
        assert!(month.low_minor <= month.calibrated_minor && month.calibrated_minor <= month.high_minor);
    }
}
