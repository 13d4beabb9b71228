//! The open pipeline now, and the revenue it is expected to bring by month.

use crate::read::{self, ClosingTotal, OpenTotal, Won};
use crate::scope::Scope;
use crate::win_loss::bucket_start;
use chrono::{Months, NaiveDate};
use chrono_tz::Tz;
use kite_core::{CoreError, Kite};
use kite_entity::stage;
use kite_shared::analytics::reports::{Bucket, Forecast, ForecastMonth, PipelineSnapshot, StageSnapshot};
use kite_shared::crm::money::CurrencyTotal;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Months the forecast looks ahead, this one included.
const FORECAST_MONTHS: u32 = 6;

pub async fn snapshot(kite: &Kite, scope: &Scope) -> Result<PipelineSnapshot, CoreError> {
    let totals = read::open_by_stage(kite, scope).await?;
    Ok(pipeline_snapshot(scope.pipeline.id, &scope.stages, &totals))
}

pub(crate) fn pipeline_snapshot(pipeline_id: Uuid, stages: &[stage::Model], totals: &[OpenTotal]) -> PipelineSnapshot {
    let stages = stages
        .iter()
        .filter(|s| s.kind == "open")
        .map(|s| {
            let mine: Vec<&OpenTotal> = totals.iter().filter(|t| t.stage_id == s.id).collect();
            let mut value: Vec<CurrencyTotal> = mine
                .iter()
                .map(|t| CurrencyTotal {
                    currency: t.currency.clone(),
                    minor: t.total,
                    count: u64::try_from(t.n).unwrap_or(0),
                })
                .collect();
            value.sort_by_key(|t| std::cmp::Reverse(t.minor));
            let mut weighted: Vec<CurrencyTotal> = mine
                .iter()
                .map(|t| CurrencyTotal {
                    currency: t.currency.clone(),
                    minor: t.weighted / 100,
                    count: u64::try_from(t.n).unwrap_or(0),
                })
                .collect();
            weighted.sort_by_key(|t| std::cmp::Reverse(t.minor));
            StageSnapshot {
                stage_id: s.id,
                name: s.name.clone(),
                probability: s.probability,
                count: value.iter().map(|t| t.count).sum(),
                value,
                weighted,
            }
        })
        .collect();
    PipelineSnapshot { pipeline_id, stages }
}

pub async fn forecast(kite: &Kite, scope: &Scope) -> Result<Forecast, CoreError> {
    let open = read::open_by_close_day(kite, scope).await?;
    let this_month = bucket_start(Bucket::Month, scope.now.with_timezone(&scope.tz).date_naive());
    let month_start = scope.current.start.min(scope.now) - chrono::Duration::days(40);
    let won = read::won_between(kite, scope, month_start, scope.now, false).await?;
    Ok(stage_weighted(&open, &won, this_month, scope.tz))
}

/// Open value × probability by month of expected close from `this_month` on; an expected
/// close in the past counts in `this_month`, since the deal is still open.
pub(crate) fn stage_weighted(open: &[ClosingTotal], won: &[Won], this_month: NaiveDate, tz: Tz) -> Forecast {
    let last = this_month + Months::new(FORECAST_MONTHS);
    let mut months: BTreeMap<(NaiveDate, String), ForecastMonth> = BTreeMap::new();
    let mut without_close_date = 0;
    for total in open {
        let Some(close) = total.expected_close else {
            without_close_date += u64::try_from(total.n).unwrap_or(0);
            continue;
        };
        let month = bucket_start(Bucket::Month, close).max(this_month);
        if month < last {
            let m = cell(&mut months, month, &total.currency);
            m.weighted_minor += total.weighted / 100;
            m.open_minor += total.total;
            m.deals += u64::try_from(total.n).unwrap_or(0);
        }
    }
    for deal in won {
        if bucket_start(Bucket::Month, deal.closed_at.with_timezone(&tz).date_naive()) == this_month {
            cell(&mut months, this_month, &deal.currency).won_minor += deal.value_minor;
        }
    }
    Forecast {
        method: "stage_weighted".into(),
        months: months.into_values().collect(),
        without_close_date,
    }
}

fn cell<'a>(
    months: &'a mut BTreeMap<(NaiveDate, String), ForecastMonth>,
    month: NaiveDate,
    currency: &str,
) -> &'a mut ForecastMonth {
    months
        .entry((month, currency.to_owned()))
        .or_insert_with(|| ForecastMonth {
            month,
            currency: currency.to_owned(),
            weighted_minor: 0,
            open_minor: 0,
            deals: 0,
            won_minor: 0,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversion::tests::pipeline;
    use crate::win_loss::tests::day;
    use chrono::Datelike;

    fn closing(close: Option<(i32, u32, u32)>, currency: &str, total: i64, probability: i64) -> ClosingTotal {
        ClosingTotal {
            expected_close: close.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            currency: currency.into(),
            n: 1,
            total,
            weighted: total * probability,
        }
    }

    #[test]
    fn the_forecast_weights_open_value_by_probability_per_month_and_currency() {
        let this_month = NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date");
        let open = [
            closing(Some((2026, 2, 10)), "EUR", 1000, 50), // overdue: counts this month
            closing(Some((2026, 3, 20)), "EUR", 2000, 10),
            closing(Some((2026, 4, 2)), "USD", 4000, 25),
            closing(Some((2027, 1, 1)), "EUR", 9000, 90), // beyond six months
            closing(None, "EUR", 100, 10),
        ];
        let won = [Won {
            created_at: day(2026, 1, 1),
            closed_at: day(2026, 3, 5),
            currency: "EUR".into(),
            value_minor: 700,
        }];
        let forecast = stage_weighted(&open, &won, this_month, Tz::UTC);
        let months: Vec<(u32, &str, i64, i64, i64)> = forecast
            .months
            .iter()
            .map(|m| {
                (
                    m.month.month(),
                    m.currency.as_str(),
                    m.weighted_minor,
                    m.open_minor,
                    m.won_minor,
                )
            })
            .collect();
        assert_eq!(months, vec![(3, "EUR", 700, 3000, 700), (4, "USD", 1000, 4000, 0)]);
        assert_eq!(forecast.without_close_date, 1);
    }

    #[test]
    fn the_snapshot_totals_each_open_stage_per_currency_with_its_weighted_value() {
        let stages = pipeline();
        let totals = [
            OpenTotal {
                stage_id: stages[0].id,
                currency: "EUR".into(),
                n: 2,
                total: 3000,
                weighted: 3000 * 20,
            },
            OpenTotal {
                stage_id: stages[0].id,
                currency: "USD".into(),
                n: 1,
                total: 5000,
                weighted: 5000 * 20,
            },
        ];
        let snapshot = pipeline_snapshot(Uuid::nil(), &stages, &totals);
        assert_eq!(snapshot.stages.len(), 3);
        let lead = &snapshot.stages[0];
        assert_eq!(lead.count, 3);
        assert_eq!(lead.value[0].currency, "USD");
        assert_eq!(lead.weighted.iter().map(|t| t.minor).sum::<i64>(), 1600);
        assert_eq!(snapshot.stages[1].count, 0);
    }
}
