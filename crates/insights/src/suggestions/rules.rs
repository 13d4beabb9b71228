//! Which situations make a suggestion, how urgent each is, and what it says. Pure: the
//! service reads a [`Situation`] from the database and these rules turn it into ranked
//! suggestions, so every rule is tested on hand-made situations.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kite_shared::assistant::suggestions::{ProposedTask, Suggestion, SuggestionAction, SuggestionKey, SuggestionKind};
use kite_shared::crm::notes::RecordKind;
use std::collections::HashMap;
use uuid::Uuid;

/// A deal in a stage this many times its usual stay is stuck…
pub const STUCK_RATIO: f64 = 1.5;
/// …and only once it has been there at least this long.
pub const STUCK_MIN_DAYS: i64 = 7;
/// A score at or above this is high.
pub const HOT_SCORE: u8 = 70;
/// A record untouched this long, with a high score, is going cold.
pub const HOT_IDLE_DAYS: i64 = 14;
/// An open or click this recent, not yet followed up, is worth acting on.
pub const ENGAGED_WITHIN_DAYS: i64 = 3;

/// An open deal with what the rules look at.
#[derive(Clone, Debug)]
pub struct OpenDeal {
    pub id: Uuid,
    pub title: String,
    pub stage_id: Uuid,
    pub stage_name: String,
    pub entered_stage_at: DateTime<Utc>,
    pub expected_close: Option<NaiveDate>,
    pub score: Option<u8>,
    /// The latest activity logged on it (or its creation).
    pub last_touch: DateTime<Utc>,
    /// Tasks, calls and meetings on it not yet done.
    pub open_activities: u32,
}

#[derive(Clone, Debug)]
pub struct OverdueTask {
    pub id: Uuid,
    pub subject: String,
    pub due_at: DateTime<Utc>,
    /// The record it is linked to, for the suggestion's link and name.
    pub record: Option<(RecordKind, Uuid, String)>,
}

/// A contact who opened or clicked an email and has not been written to since.
#[derive(Clone, Debug)]
pub struct EngagedContact {
    pub id: Uuid,
    pub name: String,
    pub opened_at: Option<DateTime<Utc>>,
    pub clicked_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct HotContact {
    pub id: Uuid,
    pub name: String,
    pub score: u8,
    pub last_touch: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct WaitingApproval {
    pub id: Uuid,
    pub deal_id: Uuid,
    pub deal_title: String,
    pub step: u32,
    pub requester: Option<String>,
    pub overdue: bool,
}

/// Everything the rules look at, for one user (or one record).
#[derive(Clone, Debug, Default)]
pub struct Situation {
    pub deals: Vec<OpenDeal>,
    pub overdue_tasks: Vec<OverdueTask>,
    pub engaged: Vec<EngagedContact>,
    pub hot_contacts: Vec<HotContact>,
    pub approvals: Vec<WaitingApproval>,
    /// A stage's median stay in days, from the deal model's norms.
    pub stage_norms: HashMap<Uuid, f64>,
}

fn days(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_days()
}

fn plural(n: i64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Tomorrow at 9:00 UTC: when a suggested task is due.
fn tomorrow_morning(now: DateTime<Utc>) -> DateTime<Utc> {
    let date = now.date_naive() + Duration::days(1);
    date.and_hms_opt(9, 0, 0)
        .map_or(now + Duration::days(1), |t| t.and_utc())
}

struct Builder {
    now: DateTime<Utc>,
    out: Vec<Suggestion>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: SuggestionKind,
        (record, title): (Option<(RecordKind, Uuid)>, &str),
        situation: &str,
        priority: u8,
        reason: String,
        action: SuggestionAction,
        task: Option<String>,
        target_id: Option<Uuid>,
    ) {
        let key_id = target_id
            .filter(|_| action != SuggestionAction::Email)
            .or(record.map(|(_, id)| id))
            .unwrap_or_default();
        self.out.push(Suggestion {
            key: SuggestionKey::format(kind, key_id, situation),
            kind,
            priority: priority.min(100),
            reason,
            title: title.to_owned(),
            record_kind: record.map(|(kind, _)| kind),
            record_id: record.map(|(_, id)| id),
            action,
            task: task.map(|subject| ProposedTask {
                subject,
                due_at: tomorrow_morning(self.now),
            }),
            target_id,
        });
    }
}

fn deal_suggestions(b: &mut Builder, deal: &OpenDeal, norms: &HashMap<Uuid, f64>) {
    let now = b.now;
    let record = (Some((RecordKind::Deal, deal.id)), deal.title.as_str());
    let score_bonus = deal.score.map_or(0, |s| s / 10);
    if let Some(close) = deal.expected_close.filter(|c| *c < now.date_naive()) {
        let late = (now.date_naive() - close).num_days();
        b.push(
            SuggestionKind::CloseDatePassed,
            record,
            &close.to_string(),
            70 + (late / 7).min(10) as u8 + score_bonus / 2,
            format!(
                "Expected to close {} ago ({close}) and still open: close it or move the date",
                plural(late, "day")
            ),
            SuggestionAction::CreateTask,
            Some(format!("Update the close date of {}", deal.title)),
            None,
        );
    }
    let in_stage = days(deal.entered_stage_at, now);
    if let Some(usual) = norms.get(&deal.stage_id).copied().filter(|u| u.is_finite() && *u > 0.0)
        && in_stage >= STUCK_MIN_DAYS
        && in_stage as f64 > usual * STUCK_RATIO
    {
        let ratio = in_stage as f64 / usual;
        b.push(
            SuggestionKind::StuckInStage,
            record,
            &deal.entered_stage_at.timestamp().to_string(),
            55 + ((ratio - STUCK_RATIO) * 4.0).clamp(0.0, 10.0) as u8 + score_bonus / 2,
            format!(
                "In {} for {}; deals usually leave it within {}",
                deal.stage_name,
                plural(in_stage, "day"),
                plural(usual.round() as i64, "day")
            ),
            SuggestionAction::CreateTask,
            Some(format!("Move {} out of {}", deal.title, deal.stage_name)),
            None,
        );
    }
    let idle = days(deal.last_touch, now);
    if let Some(score) = deal.score.filter(|s| *s >= HOT_SCORE)
        && idle >= HOT_IDLE_DAYS
    {
        b.push(
            SuggestionKind::HotUntouched,
            record,
            &deal.last_touch.timestamp().to_string(),
            50 + (score - HOT_SCORE) / 3,
            format!("Scores {score} but nothing logged for {}", plural(idle, "day")),
            SuggestionAction::CreateTask,
            Some(format!("Call about {}", deal.title)),
            None,
        );
    }
    if deal.open_activities == 0 {
        b.push(
            SuggestionKind::NoNextStep,
            record,
            &deal.last_touch.timestamp().to_string(),
            45 + score_bonus,
            if idle == 0 {
                "Nothing planned next: no task, call or meeting".to_owned()
            } else {
                format!(
                    "Nothing planned next, and the last activity was {} ago",
                    plural(idle, "day")
                )
            },
            SuggestionAction::CreateTask,
            Some(format!("Next step for {}", deal.title)),
            None,
        );
    }
}

/// Every suggestion the situation makes, highest priority first (ties by key, so the
/// order is stable). With `one_per_record`, only each record's most urgent one: a home
/// page of ten should name ten records.
pub fn suggest(situation: &Situation, now: DateTime<Utc>, one_per_record: bool) -> Vec<Suggestion> {
    let mut b = Builder { now, out: Vec::new() };
    for approval in &situation.approvals {
        let by = approval
            .requester
            .as_deref()
            .map(|name| format!(" from {name}"))
            .unwrap_or_default();
        b.push(
            SuggestionKind::ApprovalWaiting,
            (Some((RecordKind::Deal, approval.deal_id)), &approval.deal_title),
            &approval.step.to_string(),
            90 + if approval.overdue { 5 } else { 0 },
            if approval.overdue {
                format!("An approval request{by} is waiting on you and past its due time")
            } else {
                format!("An approval request{by} is waiting on you")
            },
            SuggestionAction::ReviewApproval,
            None,
            Some(approval.id),
        );
    }
    for task in &situation.overdue_tasks {
        let late = days(task.due_at, now).max(0);
        let (record, title) = match &task.record {
            Some((kind, id, name)) => (Some((*kind, *id)), name.as_str()),
            None => (None, task.subject.as_str()),
        };
        b.push(
            SuggestionKind::TaskOverdue,
            (record, title),
            &task.due_at.timestamp().to_string(),
            80 + late.min(9) as u8,
            if late == 0 {
                format!("\u{201c}{}\u{201d} was due today", task.subject)
            } else {
                format!("\u{201c}{}\u{201d} is {} overdue", task.subject, plural(late, "day"))
            },
            SuggestionAction::OpenTask,
            None,
            Some(task.id),
        );
    }
    for contact in &situation.engaged {
        let (what, at, priority) = match (contact.clicked_at, contact.opened_at) {
            (Some(at), _) => ("clicked a link in your email", at, 72),
            (None, Some(at)) => ("opened your email", at, 65),
            (None, None) => continue,
        };
        let ago = days(at, now);
        b.push(
            SuggestionKind::EngagedContact,
            (Some((RecordKind::Contact, contact.id)), &contact.name),
            &at.timestamp().to_string(),
            priority,
            match ago {
                0 => format!("{} {what} today; you haven't written since", contact.name),
                _ => format!(
                    "{} {what} {} ago; you haven't written since",
                    contact.name,
                    plural(ago, "day")
                ),
            },
            SuggestionAction::Email,
            None,
            Some(contact.id),
        );
    }
    for contact in &situation.hot_contacts {
        let idle = days(contact.last_touch, now);
        if contact.score < HOT_SCORE || idle < HOT_IDLE_DAYS {
            continue;
        }
        b.push(
            SuggestionKind::HotUntouched,
            (Some((RecordKind::Contact, contact.id)), &contact.name),
            &contact.last_touch.timestamp().to_string(),
            50 + (contact.score - HOT_SCORE) / 3,
            format!(
                "Scores {} but nothing logged for {}",
                contact.score,
                plural(idle, "day")
            ),
            SuggestionAction::CreateTask,
            Some(format!("Call {}", contact.name)),
            None,
        );
    }
    for deal in &situation.deals {
        deal_suggestions(&mut b, deal, &situation.stage_norms);
    }
    let mut out = b.out;
    out.sort_by(|a, b| b.priority.cmp(&a.priority).then_with(|| a.key.cmp(&b.key)));
    if one_per_record {
        let mut seen = std::collections::HashSet::new();
        out.retain(|s| seen.insert(s.record_id.or(s.target_id)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-12-07T12:00:00Z".parse().unwrap_or_default()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn deal(n: u128) -> OpenDeal {
        OpenDeal {
            id: id(n),
            title: format!("Deal {n}"),
            stage_id: id(100),
            stage_name: "Proposal".to_owned(),
            entered_stage_at: now() - Duration::days(2),
            expected_close: None,
            score: Some(40),
            last_touch: now() - Duration::days(1),
            open_activities: 1,
        }
    }

    fn kinds(situation: &Situation) -> Vec<SuggestionKind> {
        suggest(situation, now(), false).into_iter().map(|s| s.kind).collect()
    }

    fn one_deal(deal: OpenDeal) -> Situation {
        Situation {
            deals: vec![deal],
            stage_norms: HashMap::from([(id(100), 10.0)]),
            ..Situation::default()
        }
    }

    #[test]
    fn a_deal_in_good_shape_suggests_nothing() {
        assert!(kinds(&one_deal(deal(1))).is_empty());
    }

    #[test]
    fn a_deal_with_nothing_planned_gets_a_next_step_task_due_tomorrow_morning() {
        let s = suggest(
            &one_deal(OpenDeal {
                open_activities: 0,
                ..deal(1)
            }),
            now(),
            false,
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].kind, SuggestionKind::NoNextStep);
        assert_eq!(s[0].action, SuggestionAction::CreateTask);
        let task = s[0].task.clone().unwrap_or_else(|| panic!("no task"));
        assert_eq!(task.subject, "Next step for Deal 1");
        assert_eq!(
            task.due_at,
            "2026-12-08T09:00:00Z".parse::<DateTime<Utc>>().unwrap_or_default()
        );
        assert!(s[0].reason.contains("1 day ago"), "{}", s[0].reason);
    }

    #[test]
    fn a_deal_is_stuck_only_past_one_and_a_half_times_its_stages_usual_stay() {
        let at = |days_in: i64| {
            kinds(&one_deal(OpenDeal {
                entered_stage_at: now() - Duration::days(days_in),
                ..deal(1)
            }))
        };
        assert!(at(15).is_empty(), "15 days is the threshold, not past it");
        assert_eq!(at(16), [SuggestionKind::StuckInStage]);
        let short_norm = Situation {
            stage_norms: HashMap::from([(id(100), 2.0)]),
            ..one_deal(OpenDeal {
                entered_stage_at: now() - Duration::days(6),
                ..deal(1)
            })
        };
        assert!(kinds(&short_norm).is_empty(), "under a week is never stuck");
        let no_norm = Situation {
            stage_norms: HashMap::new(),
            ..one_deal(OpenDeal {
                entered_stage_at: now() - Duration::days(60),
                ..deal(1)
            })
        };
        assert!(kinds(&no_norm).is_empty(), "without a measured norm nothing is stuck");
    }

    #[test]
    fn the_stuck_reason_names_the_stage_and_its_norm() {
        let s = suggest(
            &one_deal(OpenDeal {
                entered_stage_at: now() - Duration::days(34),
                ..deal(1)
            }),
            now(),
            false,
        );
        assert_eq!(
            s[0].reason,
            "In Proposal for 34 days; deals usually leave it within 10 days"
        );
    }

    #[test]
    fn a_passed_close_date_is_suggested_and_its_date_is_in_the_key() {
        let s = suggest(
            &one_deal(OpenDeal {
                expected_close: NaiveDate::from_ymd_opt(2026, 11, 30),
                ..deal(1)
            }),
            now(),
            false,
        );
        assert_eq!(s[0].kind, SuggestionKind::CloseDatePassed);
        assert!(s[0].key.ends_with(":2026-11-30"), "{}", s[0].key);
        assert!(
            s[0].reason.starts_with("Expected to close 7 days ago"),
            "{}",
            s[0].reason
        );
        let today = one_deal(OpenDeal {
            expected_close: Some(now().date_naive()),
            ..deal(1)
        });
        assert!(kinds(&today).is_empty(), "closing today is not late");
    }

    #[test]
    fn a_high_score_untouched_for_two_weeks_is_going_cold() {
        let at = |score: u8, idle: i64| {
            kinds(&one_deal(OpenDeal {
                score: Some(score),
                last_touch: now() - Duration::days(idle),
                ..deal(1)
            }))
        };
        assert_eq!(at(80, 14), [SuggestionKind::HotUntouched]);
        assert!(at(80, 13).is_empty());
        assert!(at(69, 30).is_empty());
        let contact = Situation {
            hot_contacts: vec![HotContact {
                id: id(2),
                name: "Ada".to_owned(),
                score: 90,
                last_touch: now() - Duration::days(20),
            }],
            ..Situation::default()
        };
        let s = suggest(&contact, now(), false);
        assert_eq!(s[0].record_kind, Some(RecordKind::Contact));
        assert_eq!(s[0].task.as_ref().map(|t| t.subject.as_str()), Some("Call Ada"));
    }

    #[test]
    fn a_click_outranks_an_open_and_both_offer_an_email_to_the_contact() {
        let engaged = Situation {
            engaged: vec![
                EngagedContact {
                    id: id(2),
                    name: "Opened".to_owned(),
                    opened_at: Some(now() - Duration::days(1)),
                    clicked_at: None,
                },
                EngagedContact {
                    id: id(3),
                    name: "Clicked".to_owned(),
                    opened_at: Some(now() - Duration::days(2)),
                    clicked_at: Some(now() - Duration::days(2)),
                },
            ],
            ..Situation::default()
        };
        let s = suggest(&engaged, now(), false);
        assert_eq!(
            s.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
            ["Clicked", "Opened"]
        );
        assert!(
            s.iter()
                .all(|s| s.action == SuggestionAction::Email && s.target_id == s.record_id)
        );
        assert_eq!(
            s[1].reason,
            "Opened opened your email 1 day ago; you haven't written since"
        );
    }

    #[test]
    fn approvals_come_first_then_overdue_tasks_by_lateness() {
        let situation = Situation {
            approvals: vec![WaitingApproval {
                id: id(50),
                deal_id: id(1),
                deal_title: "Deal 1".to_owned(),
                step: 1,
                requester: Some("Bo".to_owned()),
                overdue: false,
            }],
            overdue_tasks: vec![
                OverdueTask {
                    id: id(60),
                    subject: "Send quote".to_owned(),
                    due_at: now() - Duration::days(1),
                    record: Some((RecordKind::Deal, id(1), "Deal 1".to_owned())),
                },
                OverdueTask {
                    id: id(61),
                    subject: "Call back".to_owned(),
                    due_at: now() - Duration::days(5),
                    record: None,
                },
            ],
            ..one_deal(OpenDeal {
                open_activities: 0,
                ..deal(1)
            })
        };
        let s = suggest(&situation, now(), false);
        assert_eq!(
            s.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [
                SuggestionKind::ApprovalWaiting,
                SuggestionKind::TaskOverdue,
                SuggestionKind::TaskOverdue,
                SuggestionKind::NoNextStep
            ]
        );
        assert_eq!(s[1].target_id, Some(id(61)), "five days late before one");
        assert_eq!(s[0].reason, "An approval request from Bo is waiting on you");
        assert!(s[0].key.starts_with(&format!("approval_waiting:{}:", id(50))));
    }

    #[test]
    fn the_home_list_keeps_each_records_most_urgent_suggestion_only() {
        let situation = one_deal(OpenDeal {
            open_activities: 0,
            expected_close: NaiveDate::from_ymd_opt(2026, 11, 1),
            entered_stage_at: now() - Duration::days(40),
            ..deal(1)
        });
        assert_eq!(suggest(&situation, now(), false).len(), 3);
        let home = suggest(&situation, now(), true);
        assert_eq!(home.len(), 1);
        assert_eq!(home[0].kind, SuggestionKind::CloseDatePassed);
    }

    #[test]
    fn a_new_situation_has_a_new_key_so_a_dismissal_does_not_hide_it() {
        let before = suggest(
            &one_deal(OpenDeal {
                open_activities: 0,
                ..deal(1)
            }),
            now(),
            false,
        );
        let after_a_call = suggest(
            &one_deal(OpenDeal {
                open_activities: 0,
                last_touch: now(),
                ..deal(1)
            }),
            now(),
            false,
        );
        assert_ne!(before[0].key, after_a_call[0].key);
    }
}
