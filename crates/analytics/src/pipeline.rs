//! The open pipeline now, stage by stage.

use crate::read::{self, OpenTotal};
use crate::scope::Scope;
use kite_core::{CoreError, Kite};
use kite_entity::stage;
use kite_shared::analytics::reports::{PipelineSnapshot, StageSnapshot};
use kite_shared::crm::money::CurrencyTotal;
use uuid::Uuid;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversion::tests::pipeline;

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
