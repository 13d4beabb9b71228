//! Conversion per stage, for the deals created in the period.

use crate::read::{self, Deepest};
use crate::scope::{Scope, Window};
use kite_core::{CoreError, Kite};
use kite_entity::stage;
use kite_shared::analytics::reports::{ConversionReport, StageConversion};
use uuid::Uuid;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<ConversionReport, CoreError> {
    let depths = depths(&scope.stages);
    let deepest = read::cohort_deepest(kite, scope, window, &depths).await?;
    Ok(conversion(scope.pipeline.id, &scope.stages, &deepest))
}

/// How deep in the funnel each stage is: open stages by board position, won after them
/// all; lost stages reach nothing. A deal reached every stage up to the deepest its
/// history took it to, so the funnel never widens.
pub(crate) fn depths(stages: &[stage::Model]) -> Vec<(Uuid, i64)> {
    let open = stages.iter().filter(|s| s.kind == "open").count() as i64;
    let mut next = 0;
    stages
        .iter()
        .filter_map(|s| match s.kind.as_str() {
            "open" => {
                next += 1;
                Some((s.id, next - 1))
            }
            "won" => Some((s.id, open)),
            _ => None,
        })
        .collect()
}

pub(crate) fn conversion(pipeline_id: Uuid, stages: &[stage::Model], deepest: &[Deepest]) -> ConversionReport {
    let open: Vec<&stage::Model> = stages.iter().filter(|s| s.kind == "open").collect();
    // reached[i]: deals whose deepest stage is i or later; won alike among won deals.
    let mut reached = vec![0u64; open.len() + 1];
    let mut won_reached = vec![0u64; open.len() + 1];
    let (mut deals, mut won) = (0u64, 0u64);
    for group in deepest {
        let n = u64::try_from(group.n).unwrap_or(0);
        deals += n;
        won += if group.won { n } else { 0 };
        // A deal whose history only names lost or other pipelines' stages reached none.
        let Ok(max) = usize::try_from(group.depth) else {
            continue;
        };
        for i in 0..=max.min(open.len()) {
            reached[i] += n;
            if group.won {
                won_reached[i] += n;
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
    ConversionReport {
        pipeline_id,
        stages,
        deals,
        won,
        win_rate: rate(won, deals),
    }
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

    #[test]
    fn open_stages_are_as_deep_as_their_board_position_and_won_is_deepest() {
        let depths: Vec<(u128, i64)> = depths(&pipeline()).iter().map(|(id, d)| (id.as_u128(), *d)).collect();
        assert_eq!(
            depths,
            vec![(1, 0), (2, 1), (3, 2), (4, 3)],
            "the lost stage reaches nothing"
        );
    }

    fn deepest(depth: i64, won: bool, n: i64) -> Deepest {
        Deepest { depth, won, n }
    }

    #[test]
    fn each_stage_counts_the_deals_that_reached_it_went_on_and_were_won() {
        // Two won deals (one skipped Qualified: it still reached it), one lost from
        // Qualified, one open in Proposal and one in Lead.
        let rows = [
            deepest(3, true, 2),
            deepest(1, false, 1),
            deepest(2, false, 1),
            deepest(0, false, 1),
        ];
        let report = conversion(Uuid::nil(), &pipeline(), &rows);
        let figures: Vec<(u64, u64, u64)> = report.stages.iter().map(|s| (s.reached, s.advanced, s.won)).collect();
        assert_eq!(figures, vec![(5, 4, 2), (4, 3, 2), (3, 2, 2)]);
        assert_eq!(report.stages[0].next_rate, Some(0.8));
        assert_eq!(report.stages[1].win_rate, Some(0.5));
        assert_eq!((report.deals, report.won, report.win_rate), (5, 2, Some(0.4)));
    }

    #[test]
    fn a_deal_that_reached_no_stage_of_the_funnel_counts_only_among_the_deals() {
        let report = conversion(Uuid::nil(), &pipeline(), &[deepest(-1, false, 2)]);
        assert_eq!(report.stages[0].reached, 0);
        assert_eq!(report.deals, 2);
    }

    #[test]
    fn a_period_without_deals_has_no_rates() {
        let report = conversion(Uuid::nil(), &pipeline(), &[]);
        assert_eq!(report.stages.len(), 3);
        assert!(report.stages.iter().all(|s| s.reached == 0 && s.next_rate.is_none()));
        assert_eq!(report.win_rate, None);
    }
}
