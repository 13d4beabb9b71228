//! The calibrated chance of an open deal: of the closed deals that were once in the same
//! stage at least as long as this one has been, the share that was won. A deal that has
//! sat in a stage for twice its usual stay is weighed by how such deals ended, not by
//! the stage's hopeful probability.

use crate::read::ClosedStay;
use kite_core::stats::median;
use std::collections::HashMap;
use uuid::Uuid;

/// Where history is thin, a rate leans on the stage's probability as if it were this
/// many more deals.
const PRIOR_DEALS: f64 = 5.0;
/// A stage's usual stay is at least half a day, so same-day moves don't make every
/// other deal look stuck.
const MIN_USUAL_DAYS: f64 = 0.5;
/// Time in stage, in multiples of the stage's median stay, where each band begins.
const BANDS: [f64; 3] = [0.0, 1.0, 2.0];

pub(crate) fn days(seconds: i64) -> f64 {
    seconds as f64 / 86_400.0
}

/// Won and seen, per stage and band of time in stage.
#[derive(Clone, Debug, Default)]
pub struct WinRates {
    usual_days: HashMap<Uuid, f64>,
    counts: HashMap<(Uuid, usize), (f64, f64)>,
}

fn band(age_days: f64, usual_days: f64) -> usize {
    BANDS
        .iter()
        .rposition(|start| age_days >= start * usual_days)
        .unwrap_or(0)
}

impl WinRates {
    /// Learns from `stays`, the stays in open stages of closed deals.
    pub fn learn<'a>(stays: impl IntoIterator<Item = &'a ClosedStay> + Clone) -> WinRates {
        let mut lengths: HashMap<Uuid, Vec<f64>> = HashMap::new();
        for stay in stays.clone() {
            lengths
                .entry(stay.stage_id)
                .or_default()
                .push(days((stay.left_at - stay.entered_at).num_seconds()));
        }
        let usual_days: HashMap<Uuid, f64> = lengths
            .into_iter()
            .filter_map(|(stage, mut d)| median(&mut d).map(|m| (stage, m.max(MIN_USUAL_DAYS))))
            .collect();
        let mut counts: HashMap<(Uuid, usize), (f64, f64)> = HashMap::new();
        for stay in stays {
            let usual = usual_days.get(&stay.stage_id).copied().unwrap_or(MIN_USUAL_DAYS);
            let length = days((stay.left_at - stay.entered_at).num_seconds());
            // The deal was in the stage at every age up to its stay's length, so it is one
            // of the deals seen in every band that length reached.
            for b in 0..=band(length, usual) {
                let entry = counts.entry((stay.stage_id, b)).or_default();
                entry.0 += stay.won as f64;
                entry.1 += 1.0;
            }
        }
        WinRates { usual_days, counts }
    }

    /// The chance a deal `age_days` into `stage` is won, leaning on `probability` (0–100)
    /// where the history has few such deals.
    pub fn chance(&self, stage: Uuid, probability: i32, age_days: f64) -> f64 {
        let prior = f64::from(probability.clamp(0, 100)) / 100.0;
        let Some(usual) = self.usual_days.get(&stage) else {
            return prior;
        };
        // A deal older than any closed one got in its band takes the rate of the furthest
        // band that history reached: those deals, too, had stayed longer than most.
        let (won, seen) = (0..=band(age_days.max(0.0), *usual))
            .rev()
            .find_map(|b| self.counts.get(&(stage, b)).copied())
            .unwrap_or_default();
        (won + PRIOR_DEALS * prior) / (seen + PRIOR_DEALS)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::{DateTime, Duration, TimeZone, Utc};

    pub fn at(day: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().unwrap_or_default() + Duration::days(day)
    }

    /// A closed deal's stay in `stage` from `from` for `length` days.
    pub fn stay(stage: Uuid, from: i64, length: i64, won: bool, value: i64) -> ClosedStay {
        ClosedStay {
            deal_id: Uuid::now_v7(),
            stage_id: stage,
            probability: 50,
            entered_at: at(from),
            left_at: at(from + length),
            won: i64::from(won),
            closed_at: at(from + length),
            value_minor: value,
            currency: "EUR".into(),
        }
    }

    #[test]
    fn a_deal_stuck_past_twice_the_usual_stay_gets_the_rate_of_deals_that_stuck() {
        let stage = Uuid::now_v7();
        // Brisk deals (4 days) won; the ones that sat 20 days lost.
        let mut stays: Vec<ClosedStay> = (0..30).map(|i| stay(stage, i, 4, true, 100)).collect();
        stays.extend((0..10).map(|i| stay(stage, i, 20, false, 100)));
        let rates = WinRates::learn(&stays);
        let fresh = rates.chance(stage, 50, 1.0);
        let stuck = rates.chance(stage, 50, 15.0);
        // Fresh: 30 won of 40, with 5 prior deals at 50 %.
        assert!((fresh - (30.0 + 2.5) / 45.0).abs() < 1e-9, "{fresh}");
        // Stuck past 8 days (twice the median of 4): 0 won of 10.
        assert!((stuck - 2.5 / 15.0).abs() < 1e-9, "{stuck}");
    }

    #[test]
    fn a_stage_without_history_keeps_its_probability() {
        let rates = WinRates::learn(&[]);
        assert!((rates.chance(Uuid::now_v7(), 30, 3.0) - 0.3).abs() < 1e-12);
    }
}
