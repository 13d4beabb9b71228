//! The score used until an organization has enough won and lost deals to learn from:
//! fixed, published points, so anyone can check a score by hand. A deal starts from its
//! stage's probability, a contact from its lifecycle stage; engagement, activity, time
//! stuck in a stage and the owner's record move it from there.

use crate::explain::strongest;
use crate::facts::Facts;
use crate::features::Group;
use kite_shared::insights::ScoreFactor;

/// The owner's rate counts once they have closed this many deals.
const OWNER_MIN_CLOSED: u32 = 5;

fn lifecycle_start(lifecycle: Option<&str>) -> i32 {
    match lifecycle {
        Some("subscriber") => 5,
        Some("lead") => 10,
        Some("mql") => 20,
        Some("sql") => 30,
        Some("opportunity") => 40,
        Some("customer" | "evangelist") => 50,
        _ => 10,
    }
}

/// The score (0–100) and its factors.
pub fn score(facts: &Facts, overall_win_rate: f64) -> (u8, Vec<ScoreFactor>) {
    let mut pushes: Vec<(Group, i32)> = Vec::new();
    let start = match &facts.deal {
        Some(deal) => deal.stage_probability.clamp(0, 100),
        None => lifecycle_start(facts.lifecycle.as_deref()),
    };
    // A deal's contacts matter less than the deal's own course.
    let weight = if facts.deal.is_some() { 1 } else { 2 };
    pushes.push((Group::Opens, weight * (3 * facts.opens as i32).min(9)));
    pushes.push((Group::Clicks, weight * (4 * facts.clicks as i32).min(12)));
    pushes.push((Group::Replies, weight * (5 * facts.replies as i32).min(10)));
    pushes.push((Group::Activities, (3 * facts.activities as i32).min(12)));
    let idle = match facts.idle_days {
        d if d > 60.0 => -20,
        d if d > 30.0 => -12,
        d if d > 14.0 => -6,
        _ => 0,
    };
    pushes.push((Group::Idle, idle));
    if facts.deal.is_none() {
        let seniority = match facts.seniority {
            crate::facts::Seniority::Executive => 8,
            crate::facts::Seniority::Director => 5,
            crate::facts::Seniority::Manager => 2,
            _ => 0,
        };
        pushes.push((Group::Seniority, seniority));
    }
    if let Some(deal) = &facts.deal {
        let stuck = match deal.stay_ratio {
            r if r > 3.0 => -15,
            r if r > 2.0 => -10,
            r if r > 1.5 => -5,
            _ => 0,
        };
        pushes.push((Group::StayRatio, stuck));
        if deal.close_overdue {
            pushes.push((Group::CloseOverdue, -10));
        }
        if deal.owner_closed >= OWNER_MIN_CLOSED {
            let above = ((deal.owner_win_rate - overall_win_rate) * 40.0).round() as i32;
            pushes.push((Group::OwnerRate, above.clamp(-10, 10)));
        }
    }
    let total = start + pushes.iter().map(|(_, p)| p).sum::<i32>();
    // Rules never claim certainty either way.
    let value = total.clamp(1, 99) as u8;
    (value, strongest(pushes, facts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::tests::{contact, deal};

    #[test]
    fn an_engaged_contact_scores_above_an_idle_one_and_says_why() {
        let mut engaged = contact("web", 2);
        engaged.replies = 1;
        let mut idle = contact("web", 0);
        idle.idle_days = 45.0;
        let (high, factors) = score(&engaged, 0.3);
        let (low, idle_factors) = score(&idle, 0.3);
        // A lead starts at 10: +12 for two opens, +10 for a reply.
        assert_eq!(high, 32);
        assert_eq!(low, 1);
        assert_eq!(factors[0].label, "Opened 2 emails in the last 30 days");
        assert_eq!(idle_factors[0].label, "No activity for 45 days");
        assert_eq!(idle_factors[0].points, -12);
    }

    #[test]
    fn a_deal_starts_from_its_stage_and_loses_points_for_being_stuck() {
        let on_time = deal("web", 1.0);
        let stuck = deal("web", 2.5);
        let (on_time_score, _) = score(&on_time, 0.4);
        let (stuck_score, factors) = score(&stuck, 0.4);
        assert_eq!(on_time_score, 50);
        assert_eq!(stuck_score, 40);
        assert_eq!(factors[0].label, "In Proposal 2.5× longer than usual");
    }

    #[test]
    fn rules_stay_within_one_and_ninety_nine() {
        let mut hot = deal("web", 0.5);
        if let Some(d) = hot.deal.as_mut() {
            d.stage_probability = 95;
            d.owner_win_rate = 1.0;
        }
        hot.opens = 10;
        hot.activities = 10;
        assert_eq!(score(&hot, 0.2).0, 99);
    }
}
