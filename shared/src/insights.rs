//! Lead and deal scores, the models behind them and what those models measured.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

string_enum! {
    /// What a score is given to.
    ScoreSubject {
        Contact => "contact", "Contacts",
        Deal => "deal", "Open deals",
    }
}

string_enum! {
    /// How a score was worked out: a logistic regression learnt from the organization's
    /// won and lost deals, or fixed, published rules until there is enough history.
    ScoreMethod {
        Model => "model", "Learnt from your won and lost deals",
        Rules => "rules", "Rule-based",
    }
}

/// Below this many closed deals, or this many of either outcome, scores come from rules.
pub const MIN_CLOSED_FOR_MODEL: u32 = 50;
pub const MIN_EACH_OUTCOME_FOR_MODEL: u32 = 10;

/// One reason a score is what it is, in plain words, with how many points it moved it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreFactor {
    /// "Opened 3 emails in the last 30 days", "No activity for 21 days".
    pub label: String,
    /// Points added (positive) or taken off (negative) on the 0–100 scale.
    pub points: i32,
}

/// A contact's or an open deal's score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordScore {
    /// 0–100: the estimated chance, in percent, of winning (a deal) or of buying (a contact).
    pub value: u8,
    pub method: ScoreMethod,
    /// The model version that gave it; `None` for rules.
    pub model_version: Option<i32>,
    /// The strongest reasons up, then the strongest down.
    pub factors: Vec<ScoreFactor>,
    pub scored_at: DateTime<Utc>,
}

/// One bin of a calibration check: of the held-out records predicted around
/// `predicted`, the share that was actually won.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalibrationBin {
    pub predicted: f64,
    pub observed: f64,
    pub count: u32,
}

/// What training measured on the records it held out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelMetrics {
    /// Area under the ROC curve: 0.5 is guessing, 1.0 ranks every win above every loss.
    pub auc: f64,
    /// Mean squared error of the predicted probabilities (lower is better).
    pub brier: f64,
    /// The Brier score of always predicting the overall win rate, to compare with.
    pub baseline_brier: f64,
    pub held_out: u32,
    pub calibration: Vec<CalibrationBin>,
}

/// A feature's learnt weight, for the model page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeatureWeight {
    pub feature: String,
    /// Change of the log-odds per standard deviation of the feature.
    pub weight: f64,
}

/// The scoring model in use for one subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreModelDto {
    pub id: Uuid,
    pub subject: ScoreSubject,
    pub version: i32,
    pub method: ScoreMethod,
    /// Why rules are used, when they are.
    pub note: Option<String>,
    pub trained_at: DateTime<Utc>,
    /// Closed records the model learnt from.
    pub rows: u32,
    pub won: u32,
    pub lost: u32,
    /// Measured on a held-out fifth; `None` for rules.
    pub metrics: Option<ModelMetrics>,
    /// The strongest weights first; empty for rules.
    pub weights: Vec<FeatureWeight>,
    /// Records scored by it.
    pub scored: u32,
    pub training_ms: u64,
}

/// The models in use, one per subject (none before the first training).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreModels {
    pub models: Vec<ScoreModelDto>,
    /// The training job queued or running, if any.
    pub training_job: Option<Uuid>,
}

/// The score a 0–1 probability shows as.
pub fn score_of(probability: f64) -> u8 {
    if probability.is_finite() {
        (probability.clamp(0.0, 1.0) * 100.0).round() as u8
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_show_as_whole_percent_and_nan_shows_as_zero() {
        assert_eq!(score_of(0.0), 0);
        assert_eq!(score_of(0.456), 46);
        assert_eq!(score_of(1.2), 100);
        assert_eq!(score_of(f64::NAN), 0);
    }
}
