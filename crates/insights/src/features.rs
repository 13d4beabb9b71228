//! Facts as numbers: which columns a model has (fitted on its training rows: the
//! categories common enough to learn from, each column's mean and spread), and the
//! standardized row of one record. Stored with the model, so a record scored next month
//! is encoded exactly as the rows it learnt from were.

use crate::facts::Facts;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A category needs this many training rows to get a column of its own; rarer ones
/// count as "any other", the baseline.
const MIN_LEVEL_ROWS: usize = 5;
/// At most this many columns per categorical field (the most common categories).
const MAX_LEVELS: usize = 12;

/// What a column (or several: a category's levels) says about a record; explanations
/// add contributions up per group and word them from the record's facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Lifecycle,
    Source,
    CompanySize,
    Industry,
    Seniority,
    Opens,
    Clicks,
    Replies,
    Activities,
    Idle,
    Value,
    Stage,
    StayRatio,
    OwnerRate,
    Age,
    CloseOverdue,
}

impl Group {
    const CONTACT: [Group; 10] = [
        Group::Lifecycle,
        Group::Source,
        Group::CompanySize,
        Group::Industry,
        Group::Seniority,
        Group::Opens,
        Group::Clicks,
        Group::Replies,
        Group::Activities,
        Group::Idle,
    ];
    const DEAL: [Group; 6] = [
        Group::Value,
        Group::Stage,
        Group::StayRatio,
        Group::OwnerRate,
        Group::Age,
        Group::CloseOverdue,
    ];

    fn is_categorical(self) -> bool {
        matches!(
            self,
            Group::Lifecycle | Group::Source | Group::CompanySize | Group::Industry | Group::Seniority | Group::Stage
        )
    }

    /// The field's name on the model page.
    pub fn name(self) -> &'static str {
        match self {
            Group::Lifecycle => "Lifecycle stage",
            Group::Source => "Source",
            Group::CompanySize => "Company size",
            Group::Industry => "Industry",
            Group::Seniority => "Seniority",
            Group::Opens => "Emails opened (30 days)",
            Group::Clicks => "Emails clicked (30 days)",
            Group::Replies => "Emails replied to",
            Group::Activities => "Activities (30 days)",
            Group::Idle => "Days since last activity",
            Group::Value => "Deal value",
            Group::Stage => "Stage",
            Group::StayRatio => "Time in stage against its norm",
            Group::OwnerRate => "Owner's win rate",
            Group::Age => "Deal age",
            Group::CloseOverdue => "Close date passed",
        }
    }

    /// The record's category for this field, if it is a categorical one.
    fn category(self, facts: &Facts) -> Option<String> {
        match self {
            Group::Lifecycle => facts.lifecycle.clone(),
            Group::Source => facts.source.clone(),
            Group::CompanySize => facts.company_size.clone(),
            Group::Industry => facts.industry.clone(),
            Group::Seniority => Some(facts.seniority.as_str().to_owned()),
            Group::Stage => facts.deal.as_ref().and_then(|d| d.stage_id).map(|id| id.to_string()),
            _ => None,
        }
    }

    /// The record's value for this field, if it is a numeric one. Counts and durations
    /// are taken on a log scale: the tenth email opened says less than the first.
    fn number(self, facts: &Facts) -> f64 {
        let deal = facts.deal.as_ref();
        match self {
            Group::Opens => f64::from(facts.opens).ln_1p(),
            Group::Clicks => f64::from(facts.clicks).ln_1p(),
            Group::Replies => f64::from(facts.replies).ln_1p(),
            Group::Activities => f64::from(facts.activities).ln_1p(),
            Group::Idle => facts.idle_days.max(0.0).ln_1p(),
            Group::Value => deal.map_or(0.0, |d| (d.value_minor.max(0) as f64 / 100.0).ln_1p()),
            Group::StayRatio => deal.map_or(0.0, |d| d.stay_ratio.clamp(0.05, 50.0).ln()),
            Group::OwnerRate => deal.map_or(0.0, |d| d.owner_win_rate),
            Group::Age => deal.map_or(0.0, |d| d.age_days.max(0.0).ln_1p()),
            Group::CloseOverdue => deal.map_or(0.0, |d| f64::from(u8::from(d.close_overdue))),
            _ => 0.0,
        }
    }
}

/// One column of the model's input.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub group: Group,
    /// The category a one-hot column stands for.
    pub level: Option<String>,
    /// How the category shows on the model page (a stage's name rather than its id).
    pub level_label: Option<String>,
    pub mean: f64,
    pub scale: f64,
}

impl Column {
    fn raw(&self, facts: &Facts) -> f64 {
        match &self.level {
            Some(level) => f64::from(u8::from(self.group.category(facts).as_deref() == Some(level.as_str()))),
            None => self.group.number(facts),
        }
    }

    pub fn name(&self) -> String {
        match self.level_label.as_ref().or(self.level.as_ref()) {
            Some(level) => format!("{}: {level}", self.group.name()),
            None => self.group.name().to_owned(),
        }
    }
}

/// The columns of one model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FeatureSpace {
    pub columns: Vec<Column>,
}

impl FeatureSpace {
    /// The columns the training rows support: common categories, and numbers that vary
    /// (a column that is the same on every row cannot be learnt from).
    pub fn fit(rows: &[Facts], labels: &HashMap<String, String>) -> FeatureSpace {
        let deals = rows.iter().any(|f| f.deal.is_some());
        let groups = Group::CONTACT
            .iter()
            .chain(if deals { Group::DEAL.iter() } else { [].iter() });
        let mut columns = Vec::new();
        for &group in groups {
            if group.is_categorical() {
                let mut counts: HashMap<String, usize> = HashMap::new();
                for facts in rows {
                    if let Some(level) = group.category(facts) {
                        *counts.entry(level).or_default() += 1;
                    }
                }
                let mut common: Vec<(String, usize)> =
                    counts.into_iter().filter(|(_, n)| *n >= MIN_LEVEL_ROWS).collect();
                common.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                for (level, _) in common.into_iter().take(MAX_LEVELS) {
                    columns.push(Column {
                        group,
                        level_label: labels.get(&level).cloned(),
                        level: Some(level),
                        mean: 0.0,
                        scale: 1.0,
                    });
                }
            } else {
                columns.push(Column {
                    group,
                    level: None,
                    level_label: None,
                    mean: 0.0,
                    scale: 1.0,
                });
            }
        }
        let n = rows.len().max(1) as f64;
        for column in &mut columns {
            let values: Vec<f64> = rows.iter().map(|f| column.raw(f)).collect();
            let mean = values.iter().sum::<f64>() / n;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            column.mean = mean;
            column.scale = variance.sqrt();
        }
        columns.retain(|c| c.scale > 1e-9 && c.scale.is_finite() && c.mean.is_finite());
        FeatureSpace { columns }
    }

    /// The record's row: each column centred on the training mean, in standard deviations.
    pub fn encode(&self, facts: &Facts) -> Vec<f64> {
        self.columns.iter().map(|c| (c.raw(facts) - c.mean) / c.scale).collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::facts::{DealFacts, Seniority};
    use uuid::Uuid;

    pub fn contact(source: &str, opens: u32) -> Facts {
        Facts {
            id: Uuid::new_v4(),
            lifecycle: Some("lead".into()),
            source: Some(source.into()),
            company_size: None,
            industry: None,
            seniority: Seniority::Unknown,
            opens,
            clicks: 0,
            replies: 0,
            activities: 0,
            idle_days: 3.0,
            deal: None,
        }
    }

    pub fn deal(source: &str, stay_ratio: f64) -> Facts {
        Facts {
            deal: Some(DealFacts {
                value_minor: 1_000_000,
                currency: "EUR".into(),
                stage_id: None,
                stage_name: "Proposal".into(),
                stage_probability: 50,
                days_in_stage: 10.0 * stay_ratio,
                stay_ratio,
                owner_win_rate: 0.4,
                owner_closed: 20,
                age_days: 30.0,
                close_overdue: false,
            }),
            ..contact(source, 0)
        }
    }

    #[test]
    fn rare_categories_and_constant_fields_get_no_column() {
        let mut rows: Vec<Facts> = (0..20).map(|i| contact("referral", i % 3)).collect();
        rows.extend((0..3).map(|_| contact("trade show", 0)));
        let space = FeatureSpace::fit(&rows, &HashMap::new());
        let names: Vec<String> = space.columns.iter().map(Column::name).collect();
        // Referral is on every row but three, so it varies; the trade show has 3 rows.
        assert!(names.contains(&"Source: referral".to_owned()), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("trade show")), "{names:?}");
        // Every row is a lead with no title and the same idle days: nothing to learn.
        assert!(!names.iter().any(|n| n.starts_with("Lifecycle")), "{names:?}");
        assert!(!names.contains(&"Days since last activity".to_owned()), "{names:?}");
        assert!(names.contains(&"Emails opened (30 days)".to_owned()), "{names:?}");
    }

    #[test]
    fn encoded_rows_are_centred_and_scaled_on_the_training_rows() {
        let rows: Vec<Facts> = (0..10).map(|i| contact("web", i)).collect();
        let space = FeatureSpace::fit(&rows, &HashMap::new());
        let encoded: Vec<Vec<f64>> = rows.iter().map(|f| space.encode(f)).collect();
        for column in 0..space.columns.len() {
            let values: Vec<f64> = encoded.iter().map(|row| row[column]).collect();
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64;
            assert!(
                mean.abs() < 1e-9 && (variance - 1.0).abs() < 1e-9,
                "{column}: {mean} {variance}"
            );
        }
    }

    #[test]
    fn deal_columns_appear_only_for_deals() {
        let contacts: Vec<Facts> = (0..10).map(|i| contact("web", i)).collect();
        let deals: Vec<Facts> = (0..10).map(|i| deal("web", 0.5 + f64::from(i))).collect();
        let has_stay = |rows: &[Facts]| {
            FeatureSpace::fit(rows, &HashMap::new())
                .columns
                .iter()
                .any(|c| c.group == Group::StayRatio)
        };
        assert!(!has_stay(&contacts));
        assert!(has_stay(&deals));
    }
}
