use crate::validation::{self, check_name};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Email,
    Meeting,
    Task,
    Note,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 5] = [
        ActivityKind::Call,
        ActivityKind::Email,
        ActivityKind::Meeting,
        ActivityKind::Task,
        ActivityKind::Note,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Email => "email",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Task => "task",
            ActivityKind::Note => "note",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Call => "Call",
            ActivityKind::Email => "Email",
            ActivityKind::Meeting => "Meeting",
            ActivityKind::Task => "Task",
            ActivityKind::Note => "Note",
        }
    }

    pub fn parse(raw: &str) -> ActivityKind {
        ActivityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .unwrap_or(ActivityKind::Note)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityDto {
    pub id: Uuid,
    pub kind: ActivityKind,
    pub subject: String,
    pub body: Option<String>,
    pub due_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub owner_id: Option<UserId>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    /// Names of the linked records, for links that say more than "Contact".
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub company_name: Option<String>,
    #[serde(default)]
    pub deal_title: Option<String>,
    /// The end of a meeting or call; none for a point in time.
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    /// Whole days: `due_at` is the first day at 00:00 UTC, `ends_at` 00:00 UTC after the last.
    #[serde(default)]
    pub all_day: bool,
    #[serde(default)]
    pub location: Option<String>,
    /// The IANA time zone it was planned in (`Europe/Berlin`).
    #[serde(default)]
    pub time_zone: Option<String>,
    /// Minutes before `due_at` the owner is reminded, by email and in the app.
    #[serde(default)]
    pub reminder_minutes: Option<i32>,
    #[serde(default)]
    pub attendees: Vec<Attendee>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActivityDto {
    /// The input that saves this activity unchanged, to change one thing of it.
    pub fn to_input(&self) -> ActivityInput {
        ActivityInput {
            kind: Some(self.kind),
            subject: self.subject.clone(),
            body: self.body.clone(),
            due_at: self.due_at,
            done: Some(self.done_at.is_some()),
            owner_id: self.owner_id,
            contact_id: self.contact_id,
            company_id: self.company_id,
            deal_id: self.deal_id,
            ends_at: self.ends_at,
            all_day: self.all_day,
            location: self.location.clone(),
            time_zone: self.time_zone.clone(),
            reminder_minutes: self.reminder_minutes,
            attendees: Some(self.attendees.iter().map(Attendee::to_input).collect()),
        }
    }
}

/// Someone invited: a contact or a user, with the name and address invitations go to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub contact_id: Option<Uuid>,
    pub user_id: Option<UserId>,
    pub name: String,
    pub email: Option<String>,
}

impl Attendee {
    pub fn to_input(&self) -> AttendeeInput {
        AttendeeInput {
            contact_id: self.contact_id,
            user_id: self.user_id,
        }
    }
}

/// A contact or a user of the organization: exactly one of the two.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AttendeeInput {
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub user_id: Option<UserId>,
}

/// The longest an event may last: the calendar finds events by their start within this
/// much before the range it shows.
pub const MAX_EVENT_DAYS: i64 = 31;
/// The earliest a reminder may come: four weeks ahead.
pub const MAX_REMINDER_MINUTES: i32 = 4 * 7 * 24 * 60;
pub const MAX_ATTENDEES: usize = 100;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ActivityInput {
    pub kind: Option<ActivityKind>,
    pub subject: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub done: Option<bool>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    #[serde(default)]
    pub deal_id: Option<Uuid>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub all_day: bool,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub time_zone: Option<String>,
    #[serde(default)]
    pub reminder_minutes: Option<i32>,
    /// Who is invited; left out, an update keeps the attendees as they are.
    #[serde(default)]
    pub attendees: Option<Vec<AttendeeInput>>,
}

impl ActivityInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = validation::collect([check_name("subject", "Subject", &self.subject)]);
        if self.body.as_ref().is_some_and(|b| b.chars().count() > 50_000) {
            errors.push(FieldError::new("body", "too_long", "At most 50,000 characters."));
        }
        errors.extend(check_times(self.due_at, self.ends_at));
        if self.all_day && self.due_at.is_none() {
            errors.push(FieldError::new("due_at", "required", "An all-day event needs its day."));
        }
        if self.location.as_ref().is_some_and(|l| l.chars().count() > 500) {
            errors.push(FieldError::new("location", "too_long", "At most 500 characters."));
        }
        if self.time_zone.as_ref().is_some_and(|z| z.len() > 64) {
            errors.push(FieldError::new("time_zone", "too_long", "At most 64 characters."));
        }
        if let Some(minutes) = self.reminder_minutes {
            if !(0..=MAX_REMINDER_MINUTES).contains(&minutes) {
                errors.push(FieldError::new(
                    "reminder_minutes",
                    "out_of_range",
                    "Between 0 and 40,320 minutes (four weeks) before.",
                ));
            } else if self.due_at.is_none() {
                errors.push(FieldError::new(
                    "reminder_minutes",
                    "needs_start",
                    "A reminder needs a start or due time.",
                ));
            }
        }
        if let Some(attendees) = &self.attendees {
            if attendees.len() > MAX_ATTENDEES {
                errors.push(FieldError::new("attendees", "too_many", "At most 100 attendees."));
            }
            for (i, attendee) in attendees.iter().enumerate() {
                if attendee.contact_id.is_some() == attendee.user_id.is_some() {
                    errors.push(FieldError::new(
                        &format!("attendees[{i}]"),
                        "contact_or_user",
                        "Name either a contact or a user.",
                    ));
                }
            }
        }
        errors
    }
}

/// An end needs a start, comes after it, and lies at most [`MAX_EVENT_DAYS`] after it.
pub fn check_times(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> Option<FieldError> {
    let end = end?;
    let Some(start) = start else {
        return Some(FieldError::new(
            "due_at",
            "required",
            "An event with an end needs its start.",
        ));
    };
    if end < start {
        Some(FieldError::new(
            "ends_at",
            "ends_before_start",
            "The end is before the start.",
        ))
    } else if end - start > chrono::Duration::days(MAX_EVENT_DAYS) {
        Some(FieldError::new(
            "ends_at",
            "too_long",
            "An event lasts at most 31 days.",
        ))
    } else {
        None
    }
}

/// "My tasks": open tasks of the signed-in user, grouped the way people plan a day.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyTasks {
    pub overdue: Vec<ActivityDto>,
    pub today: Vec<ActivityDto>,
    pub upcoming: Vec<ActivityDto>,
    /// Open tasks without a due time.
    pub someday: Vec<ActivityDto>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct MyTasksQuery {
    /// The user's time zone offset in minutes east of UTC (e.g. 60 for CET), so "today"
    /// is the user's today. Defaults to UTC.
    #[serde(default)]
    pub tz_offset_minutes: Option<i32>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ActivityListQuery {
    #[serde(default)]
    pub kind: Option<ActivityKind>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    #[serde(default)]
    pub deal_id: Option<Uuid>,
    /// true: done only; false: open only.
    #[serde(default)]
    pub done: Option<bool>,
    /// `due_at`, `created_at`, `subject`; `-` in front for descending.
    #[serde(default)]
    pub sort: Option<String>,
}
