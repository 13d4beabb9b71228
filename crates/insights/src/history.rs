//! An organization's records as the scorer needs them, read in bulk (see
//! [`crate::load`]), and the facts of any record at any moment worked out from them:
//! today for scoring, the second before a deal closed for learning.

use crate::facts::{DealFacts, Engagement, Facts, Seniority, Timelines, days_between};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use kite_core::stats::median;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Smoothing of owners' win rates: an owner's rate counts as this many extra deals at
/// the organization's overall rate, so two lucky wins don't make a 100 % owner.
const OWNER_PRIOR_DEALS: f64 = 5.0;
/// A stage's usual stay is at least half a day, so same-day moves don't make every
/// later deal look stuck.
const MIN_NORM_DAYS: f64 = 0.5;

pub struct ContactRow {
    pub lifecycle: String,
    pub source: Option<String>,
    pub title: Option<String>,
    pub company_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub struct CompanyRow {
    pub size: Option<String>,
    pub industry: Option<String>,
}

pub struct DealRow {
    pub id: Uuid,
    pub value_minor: i64,
    pub currency: String,
    pub stage_id: Uuid,
    pub won: Option<bool>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub owner_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub expected_close: Option<NaiveDate>,
}

pub struct StageRow {
    pub name: String,
    pub probability: i32,
}

/// A deal entering a stage.
#[derive(Clone, Copy)]
pub struct Move {
    pub at: DateTime<Utc>,
    pub to: Uuid,
}

#[derive(Default)]
pub struct History {
    pub contacts: HashMap<Uuid, ContactRow>,
    pub companies: HashMap<Uuid, CompanyRow>,
    pub deals: Vec<DealRow>,
    pub stages: HashMap<Uuid, StageRow>,
    /// Per deal, oldest first.
    pub moves: HashMap<Uuid, Vec<Move>>,
    /// Per deal, its contacts (the first is the deal's person).
    pub deal_contacts: HashMap<Uuid, Vec<Uuid>>,
    pub deal_activity: Timelines,
    pub contact_activity: Timelines,
    pub engagement: HashMap<Uuid, Engagement>,
}

/// Won and lost deals of one owner.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub won: u32,
    pub lost: u32,
}

/// What "usual" means in the organization, measured on its history when the model was
/// trained and kept with it: a stage's median stay, each owner's record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Norms {
    pub stage_median_days: HashMap<Uuid, f64>,
    pub owners: HashMap<Uuid, Record>,
    pub overall_win_rate: f64,
    /// Per owner, when each of their deals closed and whether it was won, oldest first:
    /// only training needs it, and it is not kept with the model.
    #[serde(skip)]
    pub closings: HashMap<Uuid, Vec<(DateTime<Utc>, bool)>>,
}

impl Norms {
    /// The owner's smoothed win rate: over every deal they closed, or for a training row,
    /// over the deals they had closed before `before`. Leaving out only the deal's own
    /// outcome would still leak it (of one owner's deals, the won ones would all get the
    /// lower rate), so a training row sees the record as it stood at that moment.
    pub fn owner_rate(&self, owner: Option<Uuid>, before: Option<DateTime<Utc>>) -> (f64, u32) {
        let (won, closed) = match (owner, before) {
            (Some(owner), Some(before)) => {
                let closings = self.closings.get(&owner).map(Vec::as_slice).unwrap_or_default();
                let earlier = &closings[..closings.partition_point(|(at, _)| *at < before)];
                let won = earlier.iter().filter(|(_, won)| *won).count();
                (won as f64, earlier.len() as f64)
            }
            _ => {
                let record = owner.and_then(|o| self.owners.get(&o)).copied().unwrap_or_default();
                (f64::from(record.won), f64::from(record.won + record.lost))
            }
        };
        let rate = (won + OWNER_PRIOR_DEALS * self.overall_win_rate) / (closed + OWNER_PRIOR_DEALS);
        (rate, closed as u32)
    }
}

impl History {
    pub fn norms(&self) -> Norms {
        let mut stays: HashMap<Uuid, Vec<f64>> = HashMap::new();
        for moves in self.moves.values() {
            for pair in moves.windows(2) {
                stays
                    .entry(pair[0].to)
                    .or_default()
                    .push(days_between(pair[0].at, pair[1].at));
            }
        }
        let stage_median_days = stays
            .into_iter()
            .filter_map(|(stage, mut days)| median(&mut days).map(|m| (stage, m.max(MIN_NORM_DAYS))))
            .collect();
        let mut owners: HashMap<Uuid, Record> = HashMap::new();
        let mut closings: HashMap<Uuid, Vec<(DateTime<Utc>, bool)>> = HashMap::new();
        let (mut won, mut closed) = (0u32, 0u32);
        for deal in &self.deals {
            let Some(outcome) = deal.won else { continue };
            closed += 1;
            won += u32::from(outcome);
            if let Some(owner) = deal.owner_id {
                let record = owners.entry(owner).or_default();
                if outcome {
                    record.won += 1;
                } else {
                    record.lost += 1;
                }
                if let Some(at) = deal.closed_at {
                    closings.entry(owner).or_default().push((at, outcome));
                }
            }
        }
        for list in closings.values_mut() {
            list.sort_by_key(|(at, _)| *at);
        }
        Norms {
            stage_median_days,
            owners,
            closings,
            overall_win_rate: if closed == 0 {
                0.5
            } else {
                f64::from(won) / f64::from(closed)
            },
        }
    }

    /// The contact's facts at `at`.
    pub fn contact_facts(&self, id: Uuid, at: DateTime<Utc>) -> Option<Facts> {
        let contact = self.contacts.get(&id)?;
        let company = contact.company_id.and_then(|c| self.companies.get(&c));
        let mut facts = Facts {
            id,
            lifecycle: Some(contact.lifecycle.clone()),
            source: contact.source.clone(),
            company_size: company.and_then(|c| c.size.clone()),
            industry: company.and_then(|c| c.industry.clone()),
            seniority: Seniority::of_title(contact.title.as_deref()),
            opens: 0,
            clicks: 0,
            replies: 0,
            activities: 0,
            idle_days: 0.0,
            deal: None,
        };
        self.add_engagement(&mut facts, &[id], at);
        let activity = self.contact_activity.get(&id);
        facts.activities = activity.map_or(0, |a| a.recent(at));
        let last = activity.and_then(|a| a.last_before(at)).unwrap_or(contact.created_at);
        facts.idle_days = days_between(last, at);
        Some(facts)
    }

    fn add_engagement(&self, facts: &mut Facts, contacts: &[Uuid], at: DateTime<Utc>) {
        for contact in contacts {
            if let Some(engagement) = self.engagement.get(contact) {
                facts.opens += engagement.opens.recent(at);
                facts.clicks += engagement.clicks.recent(at);
                facts.replies += engagement.replies.up_to(at);
            }
        }
    }

    /// The deal's facts at `at`: its stage then is the last one it entered by then (for
    /// an open deal scored now, the stage it is in). `learning` is the deal's outcome
    /// when the facts are a training row.
    pub fn deal_facts(&self, deal: &DealRow, at: DateTime<Utc>, norms: &Norms, learning: Option<bool>) -> Facts {
        let moves = self.moves.get(&deal.id).map(Vec::as_slice).unwrap_or_default();
        let entered = moves.iter().rev().find(|m| m.at <= at);
        let (stage_id, since) = match (learning, entered) {
            (Some(_), Some(entered)) => (Some(entered.to), entered.at),
            (Some(_), None) => (None, deal.created_at),
            (None, _) => {
                let since = moves
                    .iter()
                    .rev()
                    .find(|m| m.to == deal.stage_id)
                    .map_or(deal.created_at, |m| m.at);
                (Some(deal.stage_id), since)
            }
        };
        let stage = stage_id.and_then(|s| self.stages.get(&s));
        let days_in_stage = days_between(since, at);
        let stay_ratio = stage_id
            .and_then(|s| norms.stage_median_days.get(&s))
            .map_or(1.0, |usual| days_in_stage / usual);
        let (owner_win_rate, owner_closed) = norms.owner_rate(deal.owner_id, learning.map(|_| at));
        let contacts = self.deal_contacts.get(&deal.id).map(Vec::as_slice).unwrap_or_default();
        let person = contacts.first().and_then(|c| self.contacts.get(c));
        let company = deal
            .company_id
            .or_else(|| person.and_then(|p| p.company_id))
            .and_then(|c| self.companies.get(&c));
        let activity = self.deal_activity.get(&deal.id);
        let last = activity.and_then(|a| a.last_before(at)).unwrap_or(deal.created_at);
        let mut facts = Facts {
            id: deal.id,
            lifecycle: person.map(|p| p.lifecycle.clone()),
            source: person.and_then(|p| p.source.clone()),
            company_size: company.and_then(|c| c.size.clone()),
            industry: company.and_then(|c| c.industry.clone()),
            seniority: Seniority::of_title(person.and_then(|p| p.title.as_deref())),
            opens: 0,
            clicks: 0,
            replies: 0,
            activities: activity.map_or(0, |a| a.recent(at)),
            idle_days: days_between(last, at),
            deal: Some(DealFacts {
                value_minor: deal.value_minor,
                currency: deal.currency.clone(),
                stage_id,
                stage_name: stage.map_or_else(|| "an earlier stage".to_owned(), |s| s.name.clone()),
                stage_probability: stage.map_or(0, |s| s.probability),
                days_in_stage,
                stay_ratio,
                owner_win_rate,
                owner_closed,
                age_days: days_between(deal.created_at, at),
                close_overdue: deal.expected_close.is_some_and(|d| d < at.date_naive()),
            }),
        };
        self.add_engagement(&mut facts, contacts, at);
        facts
    }

    /// Closed deals as training rows: their facts the second before they closed.
    pub fn deal_examples(&self, norms: &Norms) -> Vec<(Facts, bool)> {
        self.deals
            .iter()
            .filter_map(|deal| {
                let won = deal.won?;
                let at = deal.closed_at? - Duration::seconds(1);
                Some((self.deal_facts(deal, at, norms, Some(won)), won))
            })
            .collect()
    }

    /// Contacts on at least one closed deal as training rows: bought (on any deal won)
    /// as they were before their first win, or not as they were before their last loss.
    pub fn contact_examples(&self) -> Vec<(Facts, bool)> {
        // Per contact: their first win and their last loss.
        type Outcomes = (Option<DateTime<Utc>>, Option<DateTime<Utc>>);
        let mut outcomes: HashMap<Uuid, Outcomes> = HashMap::new();
        for deal in &self.deals {
            let (Some(won), Some(closed_at)) = (deal.won, deal.closed_at) else {
                continue;
            };
            for contact in self.deal_contacts.get(&deal.id).into_iter().flatten() {
                let (first_win, last_loss) = outcomes.entry(*contact).or_default();
                if won {
                    *first_win = Some(first_win.map_or(closed_at, |t| t.min(closed_at)));
                } else {
                    *last_loss = Some(last_loss.map_or(closed_at, |t| t.max(closed_at)));
                }
            }
        }
        let mut examples: Vec<(Facts, bool)> = outcomes
            .into_iter()
            .filter_map(|(contact, (first_win, last_loss))| {
                let (at, won) = match (first_win, last_loss) {
                    (Some(win), _) => (win, true),
                    (None, Some(loss)) => (loss, false),
                    (None, None) => return None,
                };
                self.contact_facts(contact, at - Duration::seconds(1)).map(|f| (f, won))
            })
            .collect();
        // Hash maps iterate in any order; training must see the same rows the same way.
        examples.sort_by_key(|(facts, _)| facts.id);
        examples
    }

    /// Ids of the stages, with their names, for the model page's column labels.
    pub fn stage_labels(&self) -> HashMap<String, String> {
        self.stages
            .iter()
            .map(|(id, stage)| (id.to_string(), stage.name.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Timeline;

    fn day(d: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_700_000_000 + d * 86_400, 0).unwrap_or_default()
    }

    fn history() -> (History, Uuid, Uuid, Uuid) {
        let (lead, proposal, won) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let mut history = History::default();
        for (id, name, probability) in [(lead, "Lead", 10), (proposal, "Proposal", 50), (won, "Won", 100)] {
            history.stages.insert(
                id,
                StageRow {
                    name: name.into(),
                    probability,
                },
            );
        }
        let contact = Uuid::from_u128(10);
        history.contacts.insert(
            contact,
            ContactRow {
                lifecycle: "sql".into(),
                source: Some("referral".into()),
                title: Some("CTO".into()),
                company_id: None,
                created_at: day(0),
            },
        );
        let owner = Uuid::from_u128(20);
        // Deal 100 went lead (day 0) → proposal (day 4) → won (day 10).
        let closed = Uuid::from_u128(100);
        history.deals.push(DealRow {
            id: closed,
            value_minor: 500_000,
            currency: "EUR".into(),
            stage_id: won,
            won: Some(true),
            closed_at: Some(day(10)),
            created_at: day(0),
            owner_id: Some(owner),
            company_id: None,
            expected_close: Some(day(8).date_naive()),
        });
        history.moves.insert(
            closed,
            vec![
                Move { at: day(0), to: lead },
                Move {
                    at: day(4),
                    to: proposal,
                },
                Move { at: day(10), to: won },
            ],
        );
        history.deal_contacts.insert(closed, vec![contact]);
        history.deal_activity.insert(
            closed,
            Timeline {
                times: vec![day(1), day(5), day(11)],
            },
        );
        let mut engagement = Engagement::default();
        engagement.opens.times = vec![day(2), day(9)];
        history.engagement.insert(contact, engagement);
        (history, closed, contact, proposal)
    }

    #[test]
    fn a_closed_deal_is_learnt_from_as_it_was_the_second_before_it_closed() {
        let (history, _, _, proposal) = history();
        let norms = history.norms();
        let examples = history.deal_examples(&norms);
        assert_eq!(examples.len(), 1);
        let (facts, won) = &examples[0];
        assert!(*won);
        let deal = facts.deal.as_ref().expect("deal facts");
        // Still in Proposal (entered day 4), not yet in Won.
        assert_eq!(deal.stage_id, Some(proposal));
        assert_eq!(deal.stage_name, "Proposal");
        assert!((deal.days_in_stage - 6.0).abs() < 0.01);
        // Proposal's only measured stay is this deal's own six days.
        assert!((deal.stay_ratio - 1.0).abs() < 0.01);
        assert!(deal.close_overdue);
        // The activity on day 11 came after: only days 1 and 5 count, the last 5 days ago.
        assert_eq!(facts.activities, 2);
        assert!((facts.idle_days - 5.0).abs() < 0.01);
        assert_eq!(facts.opens, 2);
        assert_eq!(facts.source.as_deref(), Some("referral"));
        assert_eq!(facts.seniority, Seniority::Executive);
        // The owner had closed nothing before this deal: the rate is the overall prior.
        assert_eq!(deal.owner_closed, 0);
        assert!((deal.owner_win_rate - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_contact_is_learnt_from_as_it_was_before_its_first_win() {
        let (history, _, contact, _) = history();
        let examples = history.contact_examples();
        assert_eq!(examples.len(), 1);
        assert_eq!(examples[0].0.id, contact);
        assert!(examples[0].1);
        assert_eq!(examples[0].0.opens, 2);
    }

    #[test]
    fn owner_rates_are_smoothed_towards_the_overall_rate() {
        let owner = Uuid::from_u128(1);
        let norms = Norms {
            owners: HashMap::from([(owner, Record { won: 2, lost: 0 })]),
            overall_win_rate: 0.3,
            ..Norms::default()
        };
        let (rate, closed) = norms.owner_rate(Some(owner), None);
        assert_eq!(closed, 2);
        assert!((rate - (2.0 + 1.5) / 7.0).abs() < 1e-9);
        assert!((norms.owner_rate(None, None).0 - 0.3).abs() < 1e-9);
    }

    #[test]
    fn a_training_row_sees_only_the_owner_s_deals_closed_before_it() {
        let owner = Uuid::from_u128(1);
        let day = |d: i64| DateTime::<Utc>::UNIX_EPOCH + Duration::days(d);
        let norms = Norms {
            owners: HashMap::from([(owner, Record { won: 2, lost: 1 })]),
            closings: HashMap::from([(owner, vec![(day(1), true), (day(2), false), (day(3), true)])]),
            overall_win_rate: 0.5,
            ..Norms::default()
        };
        // The won deal of day 3 learns from days 1 and 2 only: one won of two.
        let (rate, closed) = norms.owner_rate(Some(owner), Some(day(3)));
        assert_eq!(closed, 2);
        assert!((rate - (1.0 + 2.5) / 7.0).abs() < 1e-9);
        assert_eq!(norms.owner_rate(Some(owner), None).1, 3);
    }
}
