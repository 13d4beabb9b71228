//! The backtest: each method replayed on past days. On each day, the deals open then
//! (found in the stage history) are weighed as the method would have weighed them,
//! with win rates learnt only from what had closed by then, and compared with what those
//! deals were won for. Deals still open today are left out: their outcome is unknown.

use super::calibrate::{WinRates, days};
use crate::read::ClosedStay;
use chrono::{DateTime, Utc};
use kite_shared::analytics::reports::{Backtest, BacktestPoint};
use std::collections::BTreeMap;

/// Fewer replayed days than this, and the backtest cannot tell the methods apart.
pub const MIN_POINTS: usize = 3;

/// Replays both methods on each of `days` (oldest first).
pub fn replay(stays: &[ClosedStay], days_replayed: &[DateTime<Utc>]) -> Backtest {
    let mut points = Vec::new();
    for &day in days_replayed {
        let known: Vec<&ClosedStay> = stays.iter().filter(|s| s.closed_at < day).collect();
        let rates = WinRates::learn(known.iter().copied());
        let mut cells: BTreeMap<&str, BacktestPoint> = BTreeMap::new();
        for stay in stays.iter().filter(|s| s.entered_at <= day && day < s.left_at) {
            let age = days((day - stay.entered_at).num_seconds());
            let value = stay.value_minor as f64;
            let cell = cells.entry(stay.currency.as_str()).or_insert_with(|| BacktestPoint {
                at: day.date_naive(),
                currency: stay.currency.clone(),
                deals: 0,
                weighted_minor: 0,
                calibrated_minor: 0,
                won_minor: 0,
            });
            cell.deals += 1;
            cell.weighted_minor += (value * f64::from(stay.probability) / 100.0).round() as i64;
            cell.calibrated_minor += (value * rates.chance(stay.stage_id, stay.probability, age)).round() as i64;
            cell.won_minor += stay.value_minor * stay.won;
        }
        points.extend(cells.into_values());
    }
    Backtest {
        stage_weighted_error: error(&points, |p| p.weighted_minor),
        calibrated_error: error(&points, |p| p.calibrated_minor),
        points,
    }
}

/// The weighted absolute percentage error of `predicted` per currency (amounts of
/// different currencies are not added up), averaged over the currencies by their deals.
fn error(points: &[BacktestPoint], predicted: impl Fn(&BacktestPoint) -> i64) -> Option<f64> {
    let mut per_currency: BTreeMap<&str, (f64, f64, f64)> = BTreeMap::new();
    for p in points {
        let entry = per_currency.entry(p.currency.as_str()).or_default();
        entry.0 += (predicted(p) - p.won_minor).abs() as f64;
        entry.1 += p.won_minor as f64;
        entry.2 += p.deals as f64;
    }
    let (sum, weight) = per_currency
        .values()
        .filter(|(_, won, _)| *won > 0.0)
        .fold((0.0, 0.0), |(sum, weight), (off, won, deals)| {
            (sum + off / won * deals, weight + deals)
        });
    (weight > 0.0).then(|| sum / weight)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::calibrate::tests::{at, stay};
    use uuid::Uuid;

    #[test]
    fn a_replayed_day_weighs_the_deals_open_then_against_what_they_were_won_for() {
        let stage = Uuid::now_v7();
        let stays = [
            stay(stage, 0, 10, true, 1000),
            stay(stage, 2, 10, false, 3000),
            // Closed before the day replayed: learnt from, not weighed.
            stay(stage, -20, 5, true, 700),
        ];
        let backtest = replay(&stays, &[at(5)]);
        assert_eq!(backtest.points.len(), 1);
        let point = &backtest.points[0];
        assert_eq!((point.deals, point.won_minor), (2, 1000));
        // The stage's 50 % of 4000.
        assert_eq!(point.weighted_minor, 2000);
        // Of the one deal closed by then (won), with 5 prior deals at 50 %: 3.5 / 6.
        assert_eq!(point.calibrated_minor, (4000.0_f64 * 3.5 / 6.0).round() as i64);
        assert_eq!(backtest.stage_weighted_error, Some(1.0));
    }

    #[test]
    fn where_stuck_deals_die_the_calibrated_method_beats_the_stage_weighted_one() {
        let stage = Uuid::now_v7();
        let mut stays = Vec::new();
        // Every few days a brisk deal (3 days, won) and a slow one (30 days, lost).
        for i in 0..60 {
            stays.push(stay(stage, i * 5, 3, true, 1000));
            stays.push(stay(stage, i * 5, 30, false, 1000));
        }
        let days: Vec<_> = (1..=5).map(|m| at(m * 50 + 1)).collect();
        let backtest = replay(&stays, &days);
        let (weighted, calibrated) = (backtest.stage_weighted_error, backtest.calibrated_error);
        assert!(
            weighted.zip(calibrated).is_some_and(|(w, c)| c < w),
            "{weighted:?} {calibrated:?}"
        );
    }

    #[test]
    fn nothing_to_replay_gives_no_error() {
        let backtest = replay(&[], &[at(3)]);
        assert!(backtest.points.is_empty());
        assert_eq!(backtest.calibrated_error, None);
    }
}
