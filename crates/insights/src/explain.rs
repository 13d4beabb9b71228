//! Why a score is what it is: each field's push on the score, in points, worded from the
//! record's own facts ("Opened 3 emails in the last 30 days", "No activity for 21 days").

use crate::facts::{Facts, RECENT_DAYS};
use crate::features::{FeatureSpace, Group};
use crate::learn::{Fitted, sigmoid};
use kite_shared::crm::contacts::LifecycleStage;
use kite_shared::insights::ScoreFactor;
use std::collections::HashMap;
use std::str::FromStr;

/// Factors shown per direction.
const TOP: usize = 3;

/// The model's factors: a field's contribution is its columns' share of the log-odds
/// against an average training record; its points are what the score would lose
/// without it.
pub fn model_factors(space: &FeatureSpace, fitted: &Fitted, row: &[f64], facts: &Facts) -> Vec<ScoreFactor> {
    let mut by_group: HashMap<Group, f64> = HashMap::new();
    for ((column, weight), x) in space.columns.iter().zip(&fitted.weights).zip(row) {
        *by_group.entry(column.group).or_default() += weight * x;
    }
    // Each push is measured from the starting point (the average record, all columns at
    // zero), not by taking it away from the record's score: near 0 or 100 the curve is
    // flat, and taking any one reason away would move a saturated score by nothing.
    let start = sigmoid(fitted.intercept);
    let pushes = by_group.into_iter().map(|(group, contribution)| {
        let points = 100.0 * (sigmoid(fitted.intercept + contribution) - start);
        (group, points.round() as i32)
    });
    strongest(pushes, facts)
}

/// The strongest pushes up, then the strongest down, worded; pushes under a point are
/// left out.
pub fn strongest(pushes: impl IntoIterator<Item = (Group, i32)>, facts: &Facts) -> Vec<ScoreFactor> {
    let mut pushes: Vec<(Group, i32)> = pushes.into_iter().filter(|(_, p)| *p != 0).collect();
    pushes.sort_by_key(|(group, points)| (-points.abs(), *group as u8));
    let up = pushes.iter().filter(|(_, p)| *p > 0).take(TOP);
    let down = pushes.iter().filter(|(_, p)| *p < 0).take(TOP);
    up.chain(down)
        .map(|(group, points)| ScoreFactor {
            label: label(*group, facts),
            points: *points,
        })
        .collect()
}

fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// The field's push on this record, in words.
pub fn label(group: Group, facts: &Facts) -> String {
    let deal = facts.deal.as_ref();
    let stage = deal.map_or("its stage", |d| d.stage_name.as_str());
    let days = |d: f64| d.round().max(0.0) as u32;
    match group {
        Group::Lifecycle => match facts.lifecycle.as_deref().map(LifecycleStage::from_str) {
            Some(Ok(stage)) => format!("Lifecycle stage: {}", stage.label()),
            _ => "No lifecycle stage".into(),
        },
        Group::Source => match &facts.source {
            Some(source) => format!("Came from {source}"),
            None => "No source recorded".into(),
        },
        Group::CompanySize => match &facts.company_size {
            Some(size) => format!("Company of {size} employees"),
            None => "Company size unknown".into(),
        },
        Group::Industry => match &facts.industry {
            Some(industry) => format!("Industry: {industry}"),
            None => "Industry unknown".into(),
        },
        Group::Seniority => facts.seniority.label().into(),
        Group::Opens if facts.opens > 0 => {
            format!(
                "Opened {} in the last {RECENT_DAYS} days",
                plural(facts.opens, "email", "emails")
            )
        }
        Group::Opens => format!("Opened no emails in the last {RECENT_DAYS} days"),
        Group::Clicks if facts.clicks > 0 => format!(
            "Clicked links in {} in the last {RECENT_DAYS} days",
            plural(facts.clicks, "email", "emails")
        ),
        Group::Clicks => format!("No email clicks in the last {RECENT_DAYS} days"),
        Group::Replies if facts.replies > 0 => format!("Replied to {}", plural(facts.replies, "email", "emails")),
        Group::Replies => "Has never replied to an email".into(),
        Group::Activities if facts.activities > 0 => format!(
            "{} in the last {RECENT_DAYS} days",
            plural(facts.activities, "activity", "activities")
        ),
        Group::Activities => format!("No activities in the last {RECENT_DAYS} days"),
        Group::Idle if days(facts.idle_days) >= 1 => {
            format!("No activity for {}", plural(days(facts.idle_days), "day", "days"))
        }
        Group::Idle => "Activity today".into(),
        Group::Value => match deal {
            Some(d) => format!("Worth {} {}", thousands(d.value_minor / 100), d.currency),
            None => "No value".into(),
        },
        Group::Stage => format!("In {stage}"),
        Group::StayRatio => match deal {
            Some(d) if d.stay_ratio >= 1.2 => format!("In {stage} {:.1}× longer than usual", d.stay_ratio),
            Some(d) if d.stay_ratio <= 0.8 => format!(
                "{} in {stage}, quicker than usual",
                plural(days(d.days_in_stage), "day", "days")
            ),
            _ => format!("In {stage} about as long as usual"),
        },
        Group::OwnerRate => match deal {
            Some(d) if d.owner_closed > 0 => format!(
                "Owner wins {} % of their deals",
                (d.owner_win_rate * 100.0).round() as u32
            ),
            _ => "Owner has no closed deals yet".into(),
        },
        Group::Age => format!(
            "Open for {}",
            plural(days(deal.map_or(0.0, |d| d.age_days)), "day", "days")
        ),
        Group::CloseOverdue if deal.is_some_and(|d| d.close_overdue) => "Expected close date has passed".into(),
        Group::CloseOverdue => "Expected close date not passed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::tests::{contact, deal};

    #[test]
    fn factors_are_worded_from_the_record() {
        let mut facts = deal("referral", 2.5);
        facts.opens = 3;
        facts.idle_days = 21.2;
        assert_eq!(label(Group::Opens, &facts), "Opened 3 emails in the last 30 days");
        assert_eq!(label(Group::Idle, &facts), "No activity for 21 days");
        assert_eq!(label(Group::StayRatio, &facts), "In Proposal 2.5× longer than usual");
        assert_eq!(label(Group::OwnerRate, &facts), "Owner wins 40 % of their deals");
        assert_eq!(label(Group::Value, &facts), "Worth 10,000 EUR");
        assert_eq!(label(Group::Source, &facts), "Came from referral");
        facts.opens = 1;
        assert_eq!(label(Group::Opens, &facts), "Opened 1 email in the last 30 days");
    }

    #[test]
    fn the_strongest_pushes_come_first_up_then_down_and_small_ones_are_left_out() {
        let facts = contact("web", 2);
        let factors = strongest(
            [
                (Group::Opens, 4),
                (Group::Idle, -12),
                (Group::Source, 9),
                (Group::Replies, 0),
                (Group::Clicks, 1),
                (Group::Activities, 2),
                (Group::Industry, -1),
            ],
            &facts,
        );
        let points: Vec<i32> = factors.iter().map(|f| f.points).collect();
        assert_eq!(points, vec![9, 4, 2, -12, -1]);
    }

    #[test]
    fn a_models_factors_add_up_to_its_pushes_in_points() {
        let space = FeatureSpace::fit(&(0..10).map(|i| contact("web", i)).collect::<Vec<_>>(), &HashMap::new());
        let opens = space
            .columns
            .iter()
            .position(|c| c.group == Group::Opens)
            .expect("opens vary");
        let mut weights = vec![0.0; space.columns.len()];
        weights[opens] = 1.5;
        let fitted = Fitted {
            weights,
            intercept: 0.0,
        };
        let facts = contact("web", 9);
        let row = space.encode(&facts);
        let factors = model_factors(&space, &fitted, &row, &facts);
        assert_eq!(factors.len(), 1);
        assert_eq!(factors[0].label, "Opened 9 emails in the last 30 days");
        let expected = 100.0 * (fitted.probability(&row) - 0.5);
        assert_eq!(factors[0].points, expected.round() as i32);
    }

    #[test]
    fn a_score_at_the_top_of_the_scale_still_says_what_put_it_there() {
        let records: Vec<Facts> = (0..10)
            .map(|i| {
                let mut f = contact("web", i);
                f.activities = i;
                f
            })
            .collect();
        let space = FeatureSpace::fit(&records, &HashMap::new());
        let weights = space
            .columns
            .iter()
            .map(|c| {
                if matches!(c.group, Group::Opens | Group::Activities) {
                    4.0
                } else {
                    0.0
                }
            })
            .collect();
        let fitted = Fitted {
            weights,
            intercept: 0.0,
        };
        let mut busy = contact("web", 9);
        busy.activities = 9;
        let row = space.encode(&busy);
        assert!(fitted.probability(&row) > 0.999);
        let factors = model_factors(&space, &fitted, &row, &busy);
        assert_eq!(factors.len(), 2, "{factors:?}");
        assert!(factors.iter().all(|f| f.points > 40), "{factors:?}");
    }
}
