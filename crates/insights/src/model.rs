//! A subject's scoring model as stored: the norms it measured, and, when the history
//! was enough to learn from, the fitted regression with its columns. Training decides
//! between the two; scoring uses whichever was stored.

use crate::explain::model_factors;
use crate::facts::Facts;
use crate::features::FeatureSpace;
use crate::history::Norms;
use crate::learn::{self, Example, Fitted};
use crate::rules;
use kite_shared::insights::{
    FeatureWeight, MIN_CLOSED_FOR_MODEL, MIN_EACH_OUTCOME_FOR_MODEL, ModelMetrics, ScoreFactor, ScoreMethod, score_of,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The weights listed on the model page.
const WEIGHTS_SHOWN: usize = 12;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Learnt {
    pub space: FeatureSpace,
    pub fitted: Fitted,
}

/// What is stored as a model's `parameters`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Parameters {
    pub norms: Norms,
    pub learnt: Option<Learnt>,
}

/// The outcome of one training.
pub struct Training {
    pub parameters: Parameters,
    pub method: ScoreMethod,
    pub note: Option<String>,
    pub won: u32,
    pub lost: u32,
    pub metrics: Option<ModelMetrics>,
}

/// Learns from `examples` (facts and outcome) when there are enough of each outcome,
/// otherwise keeps to the rules and says why.
pub fn train(examples: &[(Facts, bool)], norms: Norms, labels: &HashMap<String, String>) -> Training {
    let won = examples.iter().filter(|(_, w)| *w).count() as u32;
    let lost = examples.len() as u32 - won;
    let rules = |note: String, metrics: Option<ModelMetrics>| Training {
        parameters: Parameters {
            norms: norms.clone(),
            learnt: None,
        },
        method: ScoreMethod::Rules,
        note: Some(note),
        won,
        lost,
        metrics,
    };
    if won + lost < MIN_CLOSED_FOR_MODEL || won.min(lost) < MIN_EACH_OUTCOME_FOR_MODEL {
        return rules(
            format!(
                "{} closed ({won} won, {lost} lost): learning needs at least {MIN_CLOSED_FOR_MODEL}, with \
             {MIN_EACH_OUTCOME_FOR_MODEL} of each outcome.",
                won + lost
            ),
            None,
        );
    }
    let facts: Vec<Facts> = examples.iter().map(|(f, _)| f.clone()).collect();
    let space = FeatureSpace::fit(&facts, labels);
    let rows: Vec<Example> = examples
        .iter()
        .map(|(facts, won)| Example {
            id: facts.id,
            row: space.encode(facts),
            won: *won,
        })
        .collect();
    match learn::train(&rows) {
        // A model is trusted only once it beats always guessing the overall win rate on
        // records it did not learn from; its measurements stay on show to say why not.
        Ok(trained) if trained.metrics.brier >= trained.metrics.baseline_brier => rules(
            format!(
                "The learnt model was no better on held-out records than guessing the overall win rate \
                 (error {:.3} against {:.3}), so the rules score until the history says more.",
                trained.metrics.brier, trained.metrics.baseline_brier
            ),
            Some(trained.metrics),
        ),
        Ok(trained) => Training {
            parameters: Parameters {
                norms,
                learnt: Some(Learnt {
                    space,
                    fitted: trained.fitted,
                }),
            },
            method: ScoreMethod::Model,
            note: None,
            won,
            lost,
            metrics: Some(trained.metrics),
        },
        Err(error) => rules(format!("Learning failed ({error}), so the rules score instead."), None),
    }
}

impl Parameters {
    /// The strongest learnt weights, for the model page; none for rules.
    pub fn weights(&self) -> Vec<FeatureWeight> {
        let Some(learnt) = &self.learnt else {
            return Vec::new();
        };
        let mut weights: Vec<FeatureWeight> = learnt
            .space
            .columns
            .iter()
            .zip(&learnt.fitted.weights)
            .map(|(column, weight)| FeatureWeight {
                feature: column.name(),
                weight: *weight,
            })
            .collect();
        weights.sort_by(|a, b| b.weight.abs().total_cmp(&a.weight.abs()));
        weights.truncate(WEIGHTS_SHOWN);
        weights
    }

    /// The record's score and the reasons for it.
    pub fn score(&self, facts: &Facts) -> (u8, Vec<ScoreFactor>) {
        match &self.learnt {
            Some(learnt) => {
                let row = learnt.space.encode(facts);
                let probability = learnt.fitted.probability(&row);
                (
                    score_of(probability),
                    model_factors(&learnt.space, &learnt.fitted, &row, facts),
                )
            }
            None => rules::score(facts, self.norms.overall_win_rate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::tests::{contact, deal};

    #[test]
    fn a_short_history_keeps_to_the_rules_and_says_why() {
        let examples: Vec<(Facts, bool)> = (0..40).map(|i| (contact("web", i % 4), i % 2 == 0)).collect();
        let training = train(&examples, Norms::default(), &HashMap::new());
        assert_eq!(training.method, ScoreMethod::Rules);
        assert!(
            training
                .note
                .as_deref()
                .is_some_and(|n| n.starts_with("40 closed (20 won, 20 lost)"))
        );
        let one_sided: Vec<(Facts, bool)> = (0..200).map(|i| (contact("web", i % 4), i % 40 != 0)).collect();
        assert_eq!(
            train(&one_sided, Norms::default(), &HashMap::new()).method,
            ScoreMethod::Rules
        );
    }

    #[test]
    fn a_planted_signal_in_deals_is_learnt_and_shows_as_the_top_factor() {
        // Referred deals mostly win; deals stuck in their stage mostly lose.
        let mut rng = fastrand::Rng::with_seed(7);
        let examples: Vec<(Facts, bool)> = (0..1500)
            .map(|_| {
                let referral = rng.bool();
                let stuck = rng.bool();
                let mut facts = deal(if referral { "referral" } else { "web" }, if stuck { 3.0 } else { 0.8 });
                facts.id = uuid::Uuid::from_u128(rng.u128(..));
                let p = match (referral, stuck) {
                    (true, false) => 0.9,
                    (true, true) => 0.5,
                    (false, false) => 0.4,
                    (false, true) => 0.05,
                };
                (facts, rng.f64() < p)
            })
            .collect();
        let training = train(&examples, Norms::default(), &HashMap::new());
        assert_eq!(training.method, ScoreMethod::Model);
        let metrics = training.metrics.as_ref().expect("metrics");
        assert!(metrics.auc > 0.8, "{metrics:?}");
        let (best, factors) = training.parameters.score(&deal("referral", 0.8));
        let (worst, worst_factors) = training.parameters.score(&deal("web", 3.0));
        assert!(best > 75 && worst < 15, "{best} {worst}");
        assert!(
            factors.iter().any(|f| f.label == "Came from referral" && f.points > 0),
            "{factors:?}"
        );
        assert!(
            worst_factors
                .iter()
                .any(|f| f.label == "In Proposal 3.0× longer than usual" && f.points < 0),
            "{worst_factors:?}"
        );
    }

    #[test]
    fn a_model_no_better_than_the_overall_win_rate_on_held_out_records_keeps_to_the_rules() {
        // What held for the records learnt from is turned round on the held-out fifth
        // (ids divisible by five): the fit is confidently wrong there.
        let examples: Vec<(Facts, bool)> = (0..300u128)
            .map(|i| {
                let referral = i % 2 == 0;
                let mut facts = contact(if referral { "referral" } else { "web" }, 1);
                facts.id = uuid::Uuid::from_u128(i);
                let held_out = i % 5 == 0;
                (facts, referral != held_out)
            })
            .collect();
        let training = train(&examples, Norms::default(), &HashMap::new());
        assert_eq!(training.method, ScoreMethod::Rules);
        let metrics = training.metrics.as_ref().expect("the model's measurements are kept");
        assert!(metrics.brier >= metrics.baseline_brier, "{metrics:?}");
        assert!(
            training.note.as_deref().is_some_and(|n| n.contains("no better")),
            "{:?}",
            training.note
        );
        assert!(training.parameters.learnt.is_none());
    }

    #[test]
    fn scores_are_never_nan_even_for_a_record_unlike_any_seen() {
        let examples: Vec<(Facts, bool)> = (0..200).map(|i| (contact("web", i % 5), i % 3 == 0)).collect();
        let training = train(&examples, Norms::default(), &HashMap::new());
        let mut odd = contact("never seen", u32::MAX);
        odd.idle_days = f64::MAX;
        let (score, factors) = training.parameters.score(&odd);
        assert!(score <= 100);
        assert!(factors.iter().all(|f| f.points.abs() <= 100));
    }
}
