//! Time in stage, the sales cycle, and the stages where deals get stuck.

use crate::read::{self, OpenDeal, Stay};
use crate::scope::{Scope, Window};
use crate::{frame, frame_error, on_blocking_pool};
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
    let stays = read::stays_ended(kite, scope, window.start, window.end).await?;
    let won = read::won_between(kite, scope, window.start, window.end, true).await?;
    let cycles: Vec<f64> = won
        .iter()
        .map(|w| (w.closed_at - w.created_at).num_seconds() as f64 / 86_400.0)
        .collect();
    let (pipeline, stages) = (scope.pipeline.id, scope.stages.clone());
    on_blocking_pool(move || velocity(pipeline, &stages, &stays, &cycles)).await
}

pub(crate) fn velocity(
    pipeline_id: Uuid,
    stages: &[stage::Model],
    stays: &[Stay],
    cycle_days: &[f64],
) -> Result<VelocityReport, CoreError> {
    let spreads = spread_per_stage(stays)?;
    let stages = stages
        .iter()
        .filter(|s| s.kind == "open")
        .map(|s| {
            let spread = spreads.get(&s.id);
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
    let cycle = frame::spread_by(vec![String::new(); cycle_days.len()], cycle_days.to_vec())
        .map_err(frame_error)?
        .into_iter()
        .next();
    Ok(VelocityReport {
        pipeline_id,
        stages,
        cycle: SalesCycle {
            won_deals: cycle.as_ref().map_or(0, |c| c.n),
            mean_days: cycle.as_ref().map(|c| c.mean),
            median_days: cycle.as_ref().map(|c| c.median),
        },
    })
}

fn spread_per_stage(stays: &[Stay]) -> Result<HashMap<Uuid, frame::Spread>, CoreError> {
    let (keys, days): (Vec<String>, Vec<f64>) = stays
        .iter()
        .filter(|s| s.left_at.is_some())
        .map(|s| (s.stage_id.to_string(), s.days(s.entered_at)))
        .unzip();
    Ok(frame::spread_by(keys, days)
        .map_err(frame_error)?
        .into_iter()
        .filter_map(|s| s.key.parse().ok().map(|id| (id, s)))
        .collect())
}

pub async fn bottlenecks(kite: &Kite, scope: &Scope, window: Window) -> Result<BottleneckReport, CoreError> {
    let usual_start = window.start - Duration::days(USUAL_DAYS);
    let stays = read::stays_ended(kite, scope, usual_start, window.end).await?;
    let (now, usual): (Vec<Stay>, Vec<Stay>) = stays
        .into_iter()
        .partition(|s| s.left_at.is_some_and(|left| left >= window.start));
    let open = read::longest_open(kite, scope, STUCK_PER_STAGE).await?;
    let (pipeline, stages, at) = (scope.pipeline.id, scope.stages.clone(), scope.now);
    on_blocking_pool(move || bottleneck_report(pipeline, &stages, &now, &usual, &open, at)).await
}

/// Each open stage against its usual self; worst first.
pub(crate) fn bottleneck_report(
    pipeline_id: Uuid,
    stages: &[stage::Model],
    now: &[Stay],
    usual: &[Stay],
    open: &[OpenDeal],
    at: DateTime<Utc>,
) -> Result<BottleneckReport, CoreError> {
    let lost: Vec<Uuid> = stages.iter().filter(|s| s.kind == "lost").map(|s| s.id).collect();
    let drop_off = |stays: &[Stay], stage: Uuid| {
        let ended = stays.iter().filter(|s| s.stage_id == stage && s.left_at.is_some());
        let (n, dropped) = ended.fold((0u64, 0u64), |(n, d), s| {
            let to_lost = s.next_stage_id.is_some_and(|next| lost.contains(&next));
            (n + 1, d + u64::from(to_lost))
        });
        (n > 0).then(|| dropped as f64 / n as f64)
    };
    let now_spread = spread_per_stage(now)?;
    let usual_spread = spread_per_stage(usual)?;
    let ratio = |now: Option<f64>, usual: Option<f64>, allowance: f64| match (now, usual) {
        (Some(n), Some(u)) => Some((n + allowance) / (u + allowance)),
        _ => None,
    };
    let mut report: Vec<(usize, Bottleneck)> = stages
        .iter()
        .filter(|s| s.kind == "open")
        .enumerate()
        .map(|(position, s)| {
            let median_days = now_spread.get(&s.id).map(|x| x.median);
            let usual_median_days = usual_spread.get(&s.id).map(|x| x.median);
            let drop = drop_off(now, s.id);
            let usual_drop = drop_off(usual, s.id);
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
    Ok(BottleneckReport {
        pipeline_id,
        stages: report.into_iter().map(|(_, b)| b).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversion::tests::pipeline;

    fn at(day: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default() + Duration::days(day)
    }

    fn stay(deal: u128, stage: u128, entered: i64, left: i64, next: u128) -> Stay {
        Stay {
            deal_id: Uuid::from_u128(100 + deal),
            stage_id: Uuid::from_u128(stage),
            entered_at: at(entered),
            left_at: Some(at(left)),
            next_stage_id: Some(Uuid::from_u128(next)),
        }
    }

    #[test]
    fn time_in_stage_has_its_median_mean_and_90th_percentile_in_days() {
        let stays = [
            stay(1, 1, 0, 1, 2),
            stay(2, 1, 0, 2, 2),
            stay(3, 1, 0, 3, 2),
            stay(4, 1, 0, 4, 2),
            stay(5, 1, 0, 10, 5),
            stay(1, 2, 1, 6, 3),
        ];
        let report = velocity(Uuid::nil(), &pipeline(), &stays, &[10.0, 20.0, 60.0]).expect("report");
        let lead = &report.stages[0];
        assert_eq!(
            (lead.stays, lead.median_days, lead.mean_days),
            (5, Some(3.0), Some(4.0))
        );
        assert!((lead.p90_days.unwrap_or_default() - 7.6).abs() < 1e-9);
        assert_eq!((report.stages[1].stays, report.stages[1].median_days), (1, Some(5.0)));
        assert_eq!((report.stages[2].stays, report.stages[2].median_days), (0, None));
        assert_eq!(report.cycle.won_deals, 3);
        assert_eq!(
            (report.cycle.mean_days, report.cycle.median_days),
            (Some(30.0), Some(20.0))
        );
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
        let usual = [
            stay(1, 1, 0, 2, 2),
            stay(1, 2, 2, 6, 3),
            stay(1, 3, 6, 9, 4),
            stay(2, 1, 0, 2, 2),
            stay(2, 2, 2, 6, 3),
            stay(2, 3, 6, 9, 4),
        ];
        // Now: Lead as usual, Qualified takes 14 days, Proposal loses one deal of two.
        let now = [
            stay(3, 1, 100, 102, 2),
            stay(3, 2, 102, 116, 3),
            stay(4, 3, 100, 103, 4),
            stay(5, 3, 100, 103, 5),
        ];
        let open = [open_deal(1, 2, 110, 2), open_deal(2, 2, 115, 2)];
        let report = bottleneck_report(Uuid::nil(), &pipeline(), &now, &usual, &open, at(120)).expect("report");
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
