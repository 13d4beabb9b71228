//! Won against lost: overall, broken down, the reasons, and over time.

use crate::read::{self, ClosedDeal};
use crate::scope::{Scope, Window};
use crate::{frame, frame_error, on_blocking_pool};
use chrono::{Datelike, Days, Months, NaiveDate};
use chrono_tz::Tz;
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::{
    Breakdown, Bucket, Dimension, LostReason, ValueBucket, WinLossReport, WinRateGroup, size_band,
};
use kite_shared::crm::money::CurrencyTotal;
use std::collections::BTreeMap;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<WinLossReport, CoreError> {
    let closed = read::closed(kite, scope, window, read::Contacts::Read).await?;
    let tz = scope.tz;
    on_blocking_pool(move || win_loss(&closed, window, tz)).await
}

pub(crate) fn win_loss(closed: &[ClosedDeal], window: Window, tz: Tz) -> Result<WinLossReport, CoreError> {
    let won = closed.iter().filter(|d| d.won()).count() as u64;
    let lost = closed.len() as u64 - won;
    let statuses = closed.iter().map(|d| d.status.clone()).collect();
    let totals = currency_totals(statuses, closed)?;
    let breakdowns = Dimension::ALL
        .iter()
        .map(|&dimension| {
            let keys = closed.iter().map(|d| key_of(d, dimension)).collect();
            let flags = closed.iter().map(ClosedDeal::won).collect();
            let groups = frame::tally_by(keys, flags)
                .map_err(frame_error)?
                .into_iter()
                .map(|t| WinRateGroup {
                    win_rate: rate(t.yes, t.yes + t.no),
                    key: t.key,
                    won: t.yes,
                    lost: t.no,
                })
                .collect();
            Ok(Breakdown { dimension, groups })
        })
        .collect::<Result<Vec<_>, CoreError>>()?;
    Ok(WinLossReport {
        won,
        lost,
        win_rate: rate(won, won + lost),
        won_value: totals.get("won").cloned().unwrap_or_default(),
        lost_value: totals.get("lost").cloned().unwrap_or_default(),
        breakdowns,
        lost_reasons: lost_reasons(closed, lost)?,
        bucket: Bucket::for_days(window.days()),
        over_time: over_time(closed, window, tz)?,
    })
}

pub(crate) fn rate(part: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| part as f64 / of as f64)
}

fn key_of(deal: &ClosedDeal, dimension: Dimension) -> String {
    match dimension {
        Dimension::Owner => deal.owner_id.map(|o| o.to_string()).unwrap_or_default(),
        Dimension::Source => deal.source.clone().unwrap_or_default(),
        Dimension::Lifecycle => deal.lifecycle.clone().unwrap_or_default(),
        Dimension::CompanySize => deal.company_size.clone().unwrap_or_default(),
        Dimension::SizeBand => size_band(deal.value_minor).to_owned(),
    }
}

/// Per key, the value and count of `deals` in each currency, largest first.
pub(crate) fn currency_totals(
    keys: Vec<String>,
    deals: &[ClosedDeal],
) -> Result<BTreeMap<String, Vec<CurrencyTotal>>, CoreError> {
    let currencies = deals.iter().map(|d| d.currency.clone()).collect();
    let values = deals.iter().map(|d| d.value_minor).collect();
    let mut out: BTreeMap<String, Vec<CurrencyTotal>> = BTreeMap::new();
    for total in frame::total_by(keys, currencies, values).map_err(frame_error)? {
        out.entry(total.key).or_default().push(CurrencyTotal {
            currency: total.currency,
            minor: total.sum,
            count: total.count,
        });
    }
    for totals in out.values_mut() {
        totals.sort_by(|a, b| b.minor.cmp(&a.minor).then_with(|| a.currency.cmp(&b.currency)));
    }
    Ok(out)
}

fn lost_reasons(closed: &[ClosedDeal], lost: u64) -> Result<Vec<LostReason>, CoreError> {
    let lost_deals: Vec<ClosedDeal> = closed.iter().filter(|d| !d.won()).cloned().collect();
    let reasons = lost_deals
        .iter()
        .map(|d| d.lost_reason.clone().unwrap_or_default().trim().to_owned())
        .collect();
    let mut out: Vec<LostReason> = currency_totals(reasons, &lost_deals)?
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
    Ok(out)
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
fn over_time(closed: &[ClosedDeal], window: Window, tz: Tz) -> Result<Vec<ValueBucket>, CoreError> {
    let bucket = Bucket::for_days(window.days());
    let keys = closed
        .iter()
        .map(|d| {
            let day = bucket_start(bucket, d.closed_at.with_timezone(&tz).date_naive());
            format!("{day}|{}", d.status)
        })
        .collect();
    let mut cells: BTreeMap<(NaiveDate, String), ValueBucket> = BTreeMap::new();
    let mut currencies: Vec<String> = closed.iter().map(|d| d.currency.clone()).collect();
    currencies.sort();
    currencies.dedup();
    let mut start = bucket_start(bucket, window.span.start);
    while start < window.span.end {
        for currency in &currencies {
            cells.insert(
                (start, currency.clone()),
                ValueBucket {
                    start,
                    currency: currency.clone(),
                    won_minor: 0,
                    lost_minor: 0,
                    won: 0,
                    lost: 0,
                },
            );
        }
        start = next_bucket(bucket, start);
    }
    for (key, totals) in currency_totals(keys, closed)? {
        let Some((day, status)) = key.split_once('|') else {
            continue;
        };
        let Ok(day) = day.parse::<NaiveDate>() else {
            continue;
        };
        for total in totals {
            if let Some(cell) = cells.get_mut(&(day, total.currency.clone())) {
                if status == "won" {
                    cell.won_minor += total.minor;
                    cell.won += total.count;
                } else {
                    cell.lost_minor += total.minor;
                    cell.lost += total.count;
                }
            }
        }
    }
    Ok(cells.into_values().collect())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scope::Window;
    use chrono::{DateTime, Duration, TimeZone, Utc};
    use kite_shared::analytics::DateSpan;
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

    pub(crate) fn closed(
        owner: u128,
        won: bool,
        minor: i64,
        currency: &str,
        at: DateTime<Utc>,
        cycle: i64,
    ) -> ClosedDeal {
        ClosedDeal {
            id: Uuid::now_v7(),
            owner_id: Some(Uuid::from_u128(owner)),
            value_minor: minor,
            currency: currency.into(),
            status: if won { "won" } else { "lost" }.into(),
            lost_reason: (!won).then(|| "Price".to_owned()),
            created_at: at - Duration::days(cycle),
            closed_at: at,
            company_size: Some("11-50".into()),
            source: Some(if owner == 1 { "Referral" } else { "Website" }.into()),
            lifecycle: None,
        }
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
        let report = win_loss(&deals, window(day(2026, 3, 1), 31), Tz::UTC).expect("report");
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
        let report = win_loss(&deals, window(day(2026, 3, 1), 31), Tz::UTC).expect("report");
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
        let report = win_loss(&deals, window(day(2026, 3, 2), 35), Tz::UTC).expect("report");
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
