//! Time in stage, the sales cycle, and the stages where deals get stuck.

use crate::ranked::{self, Durations, Ranked};
use crate::read::{self, OpenDeal};
use crate::scope::{Scope, Window};
use chrono::{DateTime, Duration, Utc};
use kite_core::{CoreError, Kite};
use kite_entity::stage;
use kite_shared::analytics::reports::{
    Bottleneck, BottleneckReport, SalesCycle, StageVelocity, StuckDeal, VelocityReport,
};
use std::collections::HashMap;
use uuid::Uuid;

/// How far back "usual" looks, before the period starts.
const USUAL_DAYS: i64 = 365;
const STUCK_PER_STAGE: i64 = 10;
/// Allowances that keep one slow or lost deal from flagging a stage that is usually
/// instant or never loses deals.
const DAY_ALLOWANCE: f64 = 1.0;
const DROP_ALLOWANCE: f64 = 0.05;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<VelocityReport, CoreError> {
    let (stays, cycles) = futures::try_join!(
        read::stay_durations(kite, scope, window.start, window.end, window.start),
        read::cycle_durations(kite, scope, window),
    )?;
    let stays = per_stage(&stays, RECENT);
    let cycle = ranked::durations(&cycles).into_values().next();
    Ok(velocity(scope.pipeline.id, &scope.stages, &stays, cycle.as_ref()))
}

/// The part of [`read::stay_durations`] that ended in the period; 0 is before it.
const RECENT: i64 = 1;
const USUAL: i64 = 0;

fn per_stage(rows: &[Ranked], part: i64) -> HashMap<Uuid, Durations> {
    ranked::durations(rows)
        .into_iter()
        .filter(|((_, p), _)| *p == part)
        .map(|((stage, _), d)| (stage, d))
        .collect()
}

pub(crate) fn velocity(
    pipeline_id: Uuid,
    stages: &[stage::Model],
    stays: &HashMap<Uuid, Durations>,
    cycle: Option<&Durations>,
) -> VelocityReport {
    let stages = stages
        .iter()
        .filter(|s| s.kind == "open")
        .map(|s| {
            let spread = stays.get(&s.id).map(|d| &d.spread);
            StageVelocity {
                stage_id: s.id,
                name: s.name.clone(),
                stays: spread.map_or(0, |x| x.n),
                median_days: spread.map(|x| x.median),
                mean_days: spread.map(|x| x.mean),
                p90_days: spread.map(|x| x.p90),
            }
        })
        .collect();
    let cycle = cycle.map(|c| &c.spread);
    VelocityReport {
        pipeline_id,
        stages,
        cycle: SalesCycle {
            won_deals: cycle.map_or(0, |c| c.n),
            mean_days: cycle.map(|c| c.mean),
            median_days: cycle.map(|c| c.median),
        },
    }
}

pub async fn bottlenecks(kite: &Kite, scope: &Scope, window: Window) -> Result<BottleneckReport, CoreError> {
    let usual_start = window.start - Duration::days(USUAL_DAYS);
    let (stays, open) = futures::try_join!(
        read::stay_durations(kite, scope, usual_start, window.end, window.start),
        read::longest_open(kite, scope, STUCK_PER_STAGE),
    )?;
    let (now, usual) = (per_stage(&stays, RECENT), per_stage(&stays, USUAL));
    Ok(bottleneck_report(
        scope.pipeline.id,
        &scope.stages,
        &now,
        &usual,
        &open,
        scope.now,
    ))
}

/// Each open stage against its usual self; worst first.
pub(crate) fn bottleneck_report(
    pipeline_id: Uuid,
    stages: &[stage::Model],
    now: &HashMap<Uuid, Durations>,
    usual: &HashMap<Uuid, Durations>,
    open: &[OpenDeal],
    at: DateTime<Utc>,
) -> BottleneckReport {
    let ratio = |now: Option<f64>, usual: Option<f64>, allowance: f64| match (now, usual) {
        (Some(n), Some(u)) => Some((n + allowance) / (u + allowance)),
        _ => None,
    };
    let mut report: Vec<(usize, Bottleneck)> = stages
        .iter()
        .filter(|s| s.kind == "open")
        .enumerate()
        .map(|(position, s)| {
            let (now, usual) = (now.get(&s.id), usual.get(&s.id));
            let median_days = now.map(|x| x.spread.median);
            let usual_median_days = usual.map(|x| x.spread.median);
            let drop = now.and_then(Durations::drop_off);
            let usual_drop = usual.and_then(Durations::drop_off);
            let severity = [
                ratio(median_days, usual_median_days, DAY_ALLOWANCE),
                ratio(drop, usual_drop, DROP_ALLOWANCE),
            ]
            .into_iter()
            .flatten()
            .fold(0.0, f64::max);
            let in_stage: Vec<&OpenDeal> = open.iter().filter(|d| d.stage_id == s.id).collect();
            let stuck = in_stage
                .iter()
                .map(|d| {
                    let entered_at = d.entered_at.unwrap_or(at);
                    StuckDeal {
                        deal_id: d.id,
                        title: d.title.clone(),
                        owner_id: d.owner_id,
                        value_minor: d.value_minor,
                        currency: d.currency.clone(),
                        entered_at,
                        days_in_stage: (at - entered_at).num_seconds().max(0) as f64 / 86_400.0,
                    }
                })
                .collect();
            let bottleneck = Bottleneck {
                stage_id: s.id,
                name: s.name.clone(),
                median_days,
                usual_median_days,
                drop_off: drop,
                usual_drop_off: usual_drop,
                severity,
                stuck,
                open_deals: in_stage.first().map_or(0, |d| u64::try_from(d.in_stage).unwrap_or(0)),
            };
            (position, bottleneck)
        })
        .collect();
    report.sort_by(|(pa, a), (pb, b)| b.severity.total_cmp(&a.severity).then(pa.cmp(pb)));
    BottleneckReport {
        pipeline_id,
        stages: report.into_iter().map(|(_, b)| b).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversion::tests::pipeline;
    use crate::ranked::Spread;

    fn at(day: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default() + Duration::days(day)
    }

    /// `n` stays of stage `stage`, with this median, `dropped` of them ended lost.
    fn stays(stage: u128, n: u64, median: f64, dropped: u64) -> (Uuid, Durations) {
        let spread = Spread {
            n,
            median,
            mean: median,
            p90: median,
        };
        (Uuid::from_u128(stage), Durations { spread, dropped })
    }

    #[test]
    fn each_open_stage_shows_its_stays_in_board_order_and_the_cycle_its_won_deals() {
        let per_stage = HashMap::from([stays(2, 4, 5.0, 0), stays(1, 5, 3.0, 1)]);
        let cycle = stays(9, 3, 20.0, 0).1;
        let report = velocity(Uuid::nil(), &pipeline(), &per_stage, Some(&cycle));
        let shown: Vec<(&str, u64, Option<f64>)> = report
            .stages
            .iter()
            .map(|s| (s.name.as_str(), s.stays, s.median_days))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("Lead", 5, Some(3.0)),
                ("Qualified", 4, Some(5.0)),
                ("Proposal", 0, None)
            ]
        );
        assert_eq!((report.cycle.won_deals, report.cycle.median_days), (3, Some(20.0)));
    }

    fn open_deal(n: u128, stage: u128, entered: i64, in_stage: i64) -> OpenDeal {
        OpenDeal {
            id: Uuid::from_u128(200 + n),
            title: format!("Deal {n}"),
            owner_id: None,
            value_minor: 1000,
            currency: "EUR".into(),
            stage_id: Uuid::from_u128(stage),
            entered_at: Some(at(entered)),
            in_stage,
        }
    }

    #[test]
    fn the_stage_slowest_against_its_history_comes_first_with_its_longest_stuck_deals() {
        // Usually: Lead 2 days, Qualified 4 days, Proposal 3 days, nothing lost.
        let usual = HashMap::from([stays(1, 2, 2.0, 0), stays(2, 2, 4.0, 0), stays(3, 2, 3.0, 0)]);
        // Now: Lead as usual, Qualified takes 14 days, Proposal loses one deal of two.
        let now = HashMap::from([stays(1, 1, 2.0, 0), stays(2, 1, 14.0, 0), stays(3, 2, 3.0, 1)]);
        let open = [open_deal(1, 2, 110, 2), open_deal(2, 2, 115, 2)];
        let report = bottleneck_report(Uuid::nil(), &pipeline(), &now, &usual, &open, at(120));
        let order: Vec<&str> = report.stages.iter().map(|b| b.name.as_str()).collect();
        // Qualified: (14 + 1) / (4 + 1) = 3; Proposal: (0.5 + 0.05) / (0 + 0.05) = 11.
        assert_eq!(order, vec!["Proposal", "Qualified", "Lead"]);
        assert!((report.stages[0].severity - 11.0).abs() < 1e-9);
        assert!((report.stages[1].severity - 3.0).abs() < 1e-9);
        assert!((report.stages[2].severity - 1.0).abs() < 1e-9);
        assert_eq!(report.stages[0].drop_off, Some(0.5));
        let stuck: Vec<f64> = report.stages[1].stuck.iter().map(|d| d.days_in_stage).collect();
        assert_eq!(stuck, vec![10.0, 5.0]);
        assert_eq!(report.stages[1].open_deals, 2);
    }
}
