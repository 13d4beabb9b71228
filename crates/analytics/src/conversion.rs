//! Conversion per stage, for the deals created in the period.

use crate::read::{self, Reach};
use crate::scope::{Scope, Window};
use crate::{frame, frame_error, on_blocking_pool};
use kite_core::{CoreError, Kite};
use kite_entity::stage;
use kite_shared::analytics::reports::{ConversionReport, StageConversion};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<ConversionReport, CoreError> {
    let rows = read::cohort_reach(kite, scope, window).await?;
    let (pipeline, stages) = (scope.pipeline.id, scope.stages.clone());
    on_blocking_pool(move || conversion(pipeline, &stages, &rows)).await
}

/// A deal reached a stage when its history took it there or to any later open stage,
/// or it was won; lost stages reach nothing. So the funnel never widens.
pub(crate) fn conversion(
    pipeline_id: Uuid,
    stages: &[stage::Model],
    rows: &[Reach],
) -> Result<ConversionReport, CoreError> {
    let open: Vec<&stage::Model> = stages.iter().filter(|s| s.kind == "open").collect();
    let depth: HashMap<Uuid, i64> = stages
        .iter()
        .filter_map(|s| match s.kind.as_str() {
            "open" => open.iter().position(|o| o.id == s.id).map(|p| (s.id, p as i64)),
            "won" => Some((s.id, open.len() as i64)),
            _ => None,
        })
        .collect();
    let won: HashSet<Uuid> = rows.iter().filter(|r| r.status == "won").map(|r| r.deal_id).collect();
    let deals: HashSet<Uuid> = rows.iter().map(|r| r.deal_id).collect();
    let (keys, depths): (Vec<String>, Vec<i64>) = rows
        .iter()
        .filter_map(|r| depth.get(&r.stage_id).map(|d| (r.deal_id.to_string(), *d)))
        .unzip();
    let deepest = frame::max_by(keys, depths).map_err(frame_error)?;
    // reached[i]: deals whose deepest stage is i or later; won alike among won deals.
    let mut reached = vec![0u64; open.len() + 1];
    let mut won_reached = vec![0u64; open.len() + 1];
    for (deal, max) in &deepest {
        let max = usize::try_from(*max).unwrap_or(0).min(open.len());
        let is_won = deal.parse().is_ok_and(|id: Uuid| won.contains(&id));
        for i in 0..=max {
            reached[i] += 1;
            if is_won {
                won_reached[i] += 1;
            }
        }
    }
    let rate = |part: u64, of: u64| (of > 0).then(|| part as f64 / of as f64);
    let stages = open
        .iter()
        .enumerate()
        .map(|(i, s)| StageConversion {
            stage_id: s.id,
            name: s.name.clone(),
            reached: reached[i],
            advanced: reached[i + 1],
            won: won_reached[i],
            next_rate: rate(reached[i + 1], reached[i]),
            win_rate: rate(won_reached[i], reached[i]),
        })
        .collect();
    Ok(ConversionReport {
        pipeline_id,
        stages,
        deals: deals.len() as u64,
        won: won.len() as u64,
        win_rate: rate(won.len() as u64, deals.len() as u64),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::Utc;

    /// Lead → Qualified → Proposal, then Won and Lost.
    pub(crate) fn pipeline() -> Vec<stage::Model> {
        let stage = |n: u128, name: &str, kind: &str, position: i32| stage::Model {
            id: Uuid::from_u128(n),
            organization_id: Uuid::nil(),
            pipeline_id: Uuid::nil(),
            name: name.into(),
            position,
            probability: 10 * position,
            kind: kind.into(),
            created_at: Utc::now(),
            deleted_at: None,
        };
        vec![
            stage(1, "Lead", "open", 0),
            stage(2, "Qualified", "open", 1),
            stage(3, "Proposal", "open", 2),
            stage(4, "Won", "won", 3),
            stage(5, "Lost", "lost", 4),
        ]
    }

    fn reach(deal: u128, status: &str, stages: &[u128]) -> Vec<Reach> {
        stages
            .iter()
            .map(|s| Reach {
                deal_id: Uuid::from_u128(100 + deal),
                status: status.into(),
                stage_id: Uuid::from_u128(*s),
            })
            .collect()
    }

    #[test]
    fn each_stage_counts_the_deals_that_reached_it_went_on_and_were_won() {
        let rows: Vec<Reach> = [
            reach(1, "won", &[1, 2, 3, 4]),
            reach(2, "won", &[1, 3, 4]), // skipped Qualified: still reached it
            reach(3, "lost", &[1, 2, 5]),
            reach(4, "open", &[1, 2, 3]),
            reach(5, "open", &[1]),
        ]
        .concat();
        let report = conversion(Uuid::nil(), &pipeline(), &rows).expect("report");
        let figures: Vec<(u64, u64, u64)> = report.stages.iter().map(|s| (s.reached, s.advanced, s.won)).collect();
        assert_eq!(figures, vec![(5, 4, 2), (4, 3, 2), (3, 2, 2)]);
        assert_eq!(report.stages[0].next_rate, Some(0.8));
        assert_eq!(report.stages[1].win_rate, Some(0.5));
        assert_eq!((report.deals, report.won, report.win_rate), (5, 2, Some(0.4)));
    }

    #[test]
    fn a_period_without_deals_has_no_rates() {
        let report = conversion(Uuid::nil(), &pipeline(), &[]).expect("report");
        assert_eq!(report.stages.len(), 3);
        assert!(report.stages.iter().all(|s| s.reached == 0 && s.next_rate.is_none()));
        assert_eq!(report.win_rate, None);
    }
}
