//! Won against lost: overall, broken down, the reasons, and over time.

use crate::read::{self, ClosedTotal, Grouping};
use crate::scope::{Scope, Window};
use chrono::{Datelike, Days, Months, NaiveDate};
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::{
    Breakdown, Bucket, Dimension, LostReason, ValueBucket, WinLossReport, WinRateGroup,
};
use kite_shared::crm::money::CurrencyTotal;
use std::collections::BTreeMap;

/// What the report totals the period's closed deals by.
const GROUPINGS: [Grouping; 7] = [
    Grouping::Owner,
    Grouping::Source,
    Grouping::Lifecycle,
    Grouping::CompanySize,
    Grouping::SizeBand,
    Grouping::LostReason,
    Grouping::Day,
];

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<WinLossReport, CoreError> {
    let closed = read::closed_totals(kite, scope, window, &GROUPINGS, false).await?;
    Ok(win_loss(&closed, window))
}

/// From the period's closed deals totalled by each of [`GROUPINGS`].
pub(crate) fn win_loss(closed: &[ClosedTotal], window: Window) -> WinLossReport {
    let by = |grouping: Grouping| closed.iter().filter(move |t| t.grouping == grouping);
    let count = |won: bool| {
        by(Grouping::Owner)
            .filter(|t| t.won == won)
            .map(|t| t.count)
            .sum::<u64>()
    };
    let (won, lost) = (count(true), count(false));
    let mut values = currency_totals(by(Grouping::Owner).map(|t| (if t.won { "won" } else { "lost" }, t)));
    let breakdowns = Dimension::ALL
        .iter()
        .map(|&dimension| {
            let mut tallies: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
            for t in by(Grouping::of(dimension)) {
                let tally = tallies.entry(t.key.as_deref().unwrap_or_default()).or_default();
                if t.won {
                    tally.0 += t.count;
                } else {
                    tally.1 += t.count;
                }
            }
            let mut groups: Vec<WinRateGroup> = tallies
                .into_iter()
                .map(|(key, (won, lost))| WinRateGroup {
                    key: key.to_owned(),
                    won,
                    lost,
                    win_rate: rate(won, won + lost),
                })
                .collect();
            // Most closed deals first; the map left equal ones in key order.
            groups.sort_by_key(|g| std::cmp::Reverse(g.won + g.lost));
            Breakdown { dimension, groups }
        })
        .collect();
    WinLossReport {
        won,
        lost,
        win_rate: rate(won, won + lost),
        won_value: values.remove("won").unwrap_or_default(),
        lost_value: values.remove("lost").unwrap_or_default(),
        breakdowns,
        lost_reasons: lost_reasons(by(Grouping::LostReason), lost),
        bucket: Bucket::for_days(window.days()),
        over_time: over_time(by(Grouping::Day), window),
    }
}

pub(crate) fn rate(part: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| part as f64 / of as f64)
}

/// Per key, the value and count of the totals in each currency, largest first.
pub(crate) fn currency_totals<'a, K: Ord + ToString>(
    totals: impl Iterator<Item = (K, &'a ClosedTotal)>,
) -> BTreeMap<String, Vec<CurrencyTotal>> {
    let mut cells: BTreeMap<K, BTreeMap<&str, CurrencyTotal>> = BTreeMap::new();
    for (key, t) in totals {
        let cell = cells
            .entry(key)
            .or_default()
            .entry(t.currency.as_str())
            .or_insert_with(|| CurrencyTotal {
                currency: t.currency.clone(),
                minor: 0,
                count: 0,
            });
        cell.minor += t.minor;
        cell.count += t.count;
    }
    cells
        .into_iter()
        .map(|(key, by_currency)| {
            let mut totals: Vec<CurrencyTotal> = by_currency.into_values().collect();
            totals.sort_by(|a, b| b.minor.cmp(&a.minor).then_with(|| a.currency.cmp(&b.currency)));
            (key.to_string(), totals)
        })
        .collect()
}

fn lost_reasons<'a>(totals: impl Iterator<Item = &'a ClosedTotal>, lost: u64) -> Vec<LostReason> {
    let reasons = totals.map(|t| (t.key.as_deref().unwrap_or_default().trim(), t));
    let mut out: Vec<LostReason> = currency_totals(reasons)
        .into_iter()
        .map(|(reason, value)| {
            let count = value.iter().map(|t| t.count).sum();
            LostReason {
                reason,
                count,
                share: rate(count, lost).unwrap_or(0.0),
                value,
            }
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    out
}

/// The first day of the bucket `day` falls in.
pub(crate) fn bucket_start(bucket: Bucket, day: NaiveDate) -> NaiveDate {
    match bucket {
        Bucket::Day => day,
        Bucket::Week => day - Days::new(u64::from(day.weekday().num_days_from_monday())),
        Bucket::Month => day.with_day(1).unwrap_or(day),
    }
}

fn next_bucket(bucket: Bucket, start: NaiveDate) -> NaiveDate {
    match bucket {
        Bucket::Day => start + Days::new(1),
        Bucket::Week => start + Days::new(7),
        Bucket::Month => start + Months::new(1),
    }
}

/// Every bucket of the period for every currency that occurs, so charts have no holes.
fn over_time<'a>(days: impl Iterator<Item = &'a ClosedTotal> + Clone, window: Window) -> Vec<ValueBucket> {
    let bucket = Bucket::for_days(window.days());
    let mut currencies: Vec<&str> = days.clone().map(|t| t.currency.as_str()).collect();
    currencies.sort_unstable();
    currencies.dedup();
    let mut cells: BTreeMap<(NaiveDate, &str), ValueBucket> = BTreeMap::new();
    let mut start = bucket_start(bucket, window.span.start);
    while start < window.span.end {
        for currency in &currencies {
            cells.insert(
                (start, currency),
                ValueBucket {
                    start,
                    currency: (*currency).to_owned(),
                    won_minor: 0,
                    lost_minor: 0,
                    won: 0,
                    lost: 0,
                },
            );
        }
        start = next_bucket(bucket, start);
    }
    for t in days {
        let Some(day) = t.key.as_deref().and_then(|k| k.parse::<NaiveDate>().ok()) else {
            continue;
        };
        if let Some(cell) = cells.get_mut(&(bucket_start(bucket, day), t.currency.as_str())) {
            if t.won {
                cell.won_minor += t.minor;
                cell.won += t.count;
            } else {
                cell.lost_minor += t.minor;
                cell.lost += t.count;
            }
        }
    }
    cells.into_values().collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scope::Window;
    use chrono::{DateTime, TimeZone, Utc};
    use kite_shared::analytics::DateSpan;
    use kite_shared::analytics::reports::size_band;
    use uuid::Uuid;

    pub(crate) fn day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).single().unwrap_or_default()
    }

    pub(crate) fn window(start: DateTime<Utc>, days: i64) -> Window {
        let span = DateSpan {
            start: start.date_naive(),
            end: start.date_naive() + Days::new(days as u64),
        };
        Window {
            start: span.start.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
            end: span.end.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
            span,
        }
    }

    /// A deal won or lost, as the tests hand-make them.
    #[derive(Clone)]
    pub(crate) struct Deal {
        owner: u128,
        won: bool,
        minor: i64,
        currency: String,
        closed_at: DateTime<Utc>,
        cycle_days: i64,
        pub(crate) lost_reason: Option<String>,
        source: Option<String>,
    }

    pub(crate) fn closed(owner: u128, won: bool, minor: i64, currency: &str, at: DateTime<Utc>, cycle: i64) -> Deal {
        Deal {
            owner,
            won,
            minor,
            currency: currency.into(),
            closed_at: at,
            cycle_days: cycle,
            lost_reason: (!won).then(|| "Price".to_owned()),
            source: Some(if owner == 1 { "Referral" } else { "Website" }.into()),
        }
    }

    /// What SQL hands over for `deals` totalled by `grouping` (companies of 11-50, no
    /// lifecycle stage, days in UTC).
    pub(crate) fn totals(deals: &[Deal], grouping: Grouping) -> Vec<ClosedTotal> {
        let mut cells: BTreeMap<(Option<String>, bool, String), ClosedTotal> = BTreeMap::new();
        for deal in deals {
            let key = match grouping {
                Grouping::Owner => Some(Uuid::from_u128(deal.owner).to_string()),
                Grouping::Source => deal.source.clone(),
                Grouping::Lifecycle => None,
                Grouping::CompanySize => Some("11-50".into()),
                Grouping::SizeBand => Some(size_band(deal.minor).into()),
                Grouping::LostReason if deal.won => continue,
                Grouping::LostReason => deal.lost_reason.clone(),
                Grouping::Day => Some(deal.closed_at.date_naive().to_string()),
            };
            let cell = cells
                .entry((key.clone(), deal.won, deal.currency.clone()))
                .or_insert_with(|| ClosedTotal {
                    grouping,
                    key,
                    won: deal.won,
                    currency: deal.currency.clone(),
                    count: 0,
                    minor: 0,
                    cycle_seconds: 0.0,
                });
            cell.count += 1;
            cell.minor += deal.minor;
            if deal.won {
                cell.cycle_seconds += (deal.cycle_days * 86_400) as f64;
            }
        }
        cells.into_values().collect()
    }

    fn report(deals: &[Deal], window: Window) -> WinLossReport {
        let all: Vec<ClosedTotal> = GROUPINGS.iter().flat_map(|&g| totals(deals, g)).collect();
        win_loss(&all, window)
    }

    #[test]
    fn win_rates_are_broken_down_by_each_dimension() {
        let at = day(2026, 3, 2);
        let deals = [
            closed(1, true, 500_000, "EUR", at, 10),
            closed(1, false, 200_000, "EUR", at, 10),
            closed(2, true, 300_000, "USD", at, 10),
            closed(2, true, 5_000_000, "EUR", at, 10),
        ];
        let report = report(&deals, window(day(2026, 3, 1), 31));
        assert_eq!((report.won, report.lost, report.win_rate), (3, 1, Some(0.75)));
        assert_eq!(
            report
                .won_value
                .iter()
                .map(|t| (t.currency.as_str(), t.minor))
                .collect::<Vec<_>>(),
            vec![("EUR", 5_500_000), ("USD", 300_000)]
        );
        let by = |dimension| {
            report
                .breakdowns
                .iter()
                .find(|b| b.dimension == dimension)
                .map(|b| {
                    b.groups
                        .iter()
                        .map(|g| (g.key.clone(), g.won, g.lost))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        };
        assert_eq!(
            by(Dimension::Source),
            vec![("Referral".into(), 1, 1), ("Website".into(), 2, 0)]
        );
        assert_eq!(by(Dimension::Lifecycle), vec![(String::new(), 3, 1)]);
        assert_eq!(
            by(Dimension::SizeBand),
            vec![("1k_10k".into(), 2, 1), ("50k_100k".into(), 1, 0)]
        );
    }

    #[test]
    fn lost_reasons_are_ranked_with_their_share_and_value_per_currency() {
        let at = day(2026, 3, 2);
        let mut deals = vec![
            closed(1, false, 100, "EUR", at, 1),
            closed(1, false, 200, "USD", at, 1),
            closed(1, false, 300, "EUR", at, 1),
            closed(1, true, 300, "EUR", at, 1),
        ];
        deals[2].lost_reason = Some("Timing".into());
        let report = report(&deals, window(day(2026, 3, 1), 31));
        let reasons: Vec<(&str, u64)> = report
            .lost_reasons
            .iter()
            .map(|r| (r.reason.as_str(), r.count))
            .collect();
        assert_eq!(reasons, vec![("Price", 2), ("Timing", 1)]);
        assert!((report.lost_reasons[0].share - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!(report.lost_reasons[0].value.len(), 2);
    }

    #[test]
    fn value_over_time_fills_every_week_of_the_period_per_currency() {
        // 2026-03-02 and 2026-03-16 are Mondays; the period is 5 weeks from Monday 2 March.
        let deals = [
            closed(1, true, 100, "EUR", day(2026, 3, 3), 1),
            closed(1, false, 50, "EUR", day(2026, 3, 17), 1),
            closed(1, true, 70, "EUR", day(2026, 3, 18), 1),
        ];
        let report = report(&deals, window(day(2026, 3, 2), 35));
        assert_eq!(report.bucket, Bucket::Week);
        let weeks: Vec<(u32, i64, i64)> = report
            .over_time
            .iter()
            .map(|b| (b.start.day(), b.won_minor, b.lost_minor))
            .collect();
        assert_eq!(
            weeks,
            vec![(2, 100, 0), (9, 0, 0), (16, 70, 50), (23, 0, 0), (30, 0, 0)]
        );
    }
}
