//! What is known about a contact or a deal at one moment, before it is encoded as
//! numbers: the same facts describe a closed deal the day before it closed (to learn
//! from) and an open one today (to score), so training and scoring cannot drift apart.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use uuid::Uuid;

/// How far back engagement and activity counts look.
pub const RECENT_DAYS: i64 = 30;

/// The contact's rank read from their title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seniority {
    Executive,
    Director,
    Manager,
    Staff,
    Unknown,
}

impl Seniority {
    pub fn of_title(title: Option<&str>) -> Seniority {
        let Some(title) = title.map(str::to_lowercase).filter(|t| !t.trim().is_empty()) else {
            return Seniority::Unknown;
        };
        let has = |words: &[&str]| {
            title
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| words.contains(&word))
        };
        if has(&[
            "ceo",
            "cto",
            "cfo",
            "coo",
            "cmo",
            "cio",
            "chief",
            "founder",
            "owner",
            "president",
            "partner",
        ]) {
            Seniority::Executive
        } else if has(&["vp", "director", "head"]) || title.contains("vice president") {
            Seniority::Director
        } else if has(&["manager", "lead", "supervisor"]) {
            Seniority::Manager
        } else {
            Seniority::Staff
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Seniority::Executive => "executive",
            Seniority::Director => "director",
            Seniority::Manager => "manager",
            Seniority::Staff => "staff",
            Seniority::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Seniority::Executive => "An executive",
            Seniority::Director => "A director or VP",
            Seniority::Manager => "A manager",
            Seniority::Staff => "Not in management",
            Seniority::Unknown => "No job title",
        }
    }
}

/// A contact's engagement and activity at the moment, and who they are.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub id: Uuid,
    pub lifecycle: Option<String>,
    pub source: Option<String>,
    pub company_size: Option<String>,
    pub industry: Option<String>,
    pub seniority: Seniority,
    /// Emails first opened, and first clicked, in the last [`RECENT_DAYS`].
    pub opens: u32,
    pub clicks: u32,
    /// Emails answered, ever.
    pub replies: u32,
    /// Activities logged in the last [`RECENT_DAYS`].
    pub activities: u32,
    /// Days since the last activity (or since the record was made, when there is none).
    pub idle_days: f64,
    /// Present for deals.
    pub deal: Option<DealFacts>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DealFacts {
    pub value_minor: i64,
    pub currency: String,
    pub stage_id: Option<Uuid>,
    pub stage_name: String,
    /// The stage's probability, as set in the pipeline (the rules start from it).
    pub stage_probability: i32,
    pub days_in_stage: f64,
    /// Days in the stage against its usual (median) stay; 1.0 when there is no norm yet.
    pub stay_ratio: f64,
    pub owner_win_rate: f64,
    /// Closed deals the owner's rate is from.
    pub owner_closed: u32,
    pub age_days: f64,
    pub close_overdue: bool,
}

/// Times things happened to one record, sorted, so "how many in the 30 days before t"
/// and "the last one before t" are binary searches.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    pub times: Vec<DateTime<Utc>>,
}

impl Timeline {
    pub fn sort(&mut self) {
        self.times.sort_unstable();
    }

    pub fn count_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> u32 {
        let start = self.times.partition_point(|t| *t <= from);
        let end = self.times.partition_point(|t| *t <= to);
        end.saturating_sub(start) as u32
    }

    pub fn recent(&self, at: DateTime<Utc>) -> u32 {
        self.count_between(at - Duration::days(RECENT_DAYS), at)
    }

    pub fn up_to(&self, at: DateTime<Utc>) -> u32 {
        self.times.partition_point(|t| *t <= at) as u32
    }

    pub fn last_before(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let end = self.times.partition_point(|t| *t <= at);
        end.checked_sub(1).map(|i| self.times[i])
    }
}

/// Timelines per record id.
pub type Timelines = HashMap<Uuid, Timeline>;

pub fn sort_all(timelines: &mut Timelines) {
    timelines.values_mut().for_each(Timeline::sort);
}

pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    ((to - from).num_seconds().max(0) as f64) / 86_400.0
}

/// A contact's email engagement.
#[derive(Clone, Debug, Default)]
pub struct Engagement {
    pub opens: Timeline,
    pub clicks: Timeline,
    pub replies: Timeline,
}

impl Engagement {
    pub fn sort(&mut self) {
        self.opens.sort();
        self.clicks.sort();
        self.replies.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seniority_is_read_from_title_words() {
        assert_eq!(Seniority::of_title(Some("Co-Founder & CEO")), Seniority::Executive);
        assert_eq!(Seniority::of_title(Some("VP Sales")), Seniority::Director);
        assert_eq!(Seniority::of_title(Some("Head of Growth")), Seniority::Director);
        assert_eq!(Seniority::of_title(Some("Account Manager")), Seniority::Manager);
        assert_eq!(Seniority::of_title(Some("Engineer")), Seniority::Staff);
        // "Leader" is not "lead", and "chiefly" is not "chief": whole words only.
        assert_eq!(Seniority::of_title(Some("Thought leader")), Seniority::Staff);
        assert_eq!(Seniority::of_title(Some("  ")), Seniority::Unknown);
        assert_eq!(Seniority::of_title(None), Seniority::Unknown);
    }

    #[test]
    fn timelines_count_only_what_happened_in_the_window_before_the_moment() {
        let at = |d: i64| DateTime::<Utc>::from_timestamp(d * 86_400, 0).unwrap_or_default();
        let mut line = Timeline {
            times: vec![at(100), at(10), at(95), at(60), at(120)],
        };
        line.sort();
        // Day 120 is after the moment; days 10 and 60 are more than 30 days before it.
        assert_eq!(line.recent(at(100)), 2);
        assert_eq!(line.up_to(at(100)), 4);
        assert_eq!(line.last_before(at(99)), Some(at(95)));
        assert_eq!(line.last_before(at(5)), None);
    }
}
