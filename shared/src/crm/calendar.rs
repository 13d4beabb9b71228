//! The calendar: timed activities in a range, moving one, the secret ICS feed and
//! invitations.

use super::activities::ActivityDto;
use crate::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The widest range one request reads: a month view with its leading and trailing weeks
/// fits, with room for the agenda's next weeks.
pub const MAX_RANGE_DAYS: i64 = 100;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    /// Events that end at or after this time...
    pub from: DateTime<Utc>,
    /// ...and start before this one. At most 100 days after `from`.
    pub to: DateTime<Utc>,
    /// Only this user's events (their own and those they attend); everyone's when left out.
    #[serde(default)]
    pub user_id: Option<UserId>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarEvents {
    /// Oldest start first.
    pub items: Vec<ActivityDto>,
    /// More than the calendar shows at once matched; narrow the range or the user.
    pub truncated: bool,
}

/// A new start (and end); without an end the event keeps its length.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RescheduleInput {
    pub due_at: DateTime<Utc>,
    #[serde(default)]
    pub ends_at: Option<DateTime<Utc>>,
}

/// Whether the signed-in user has a calendar feed. The URL itself is shown only when
/// it is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarFeed {
    pub active: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub last_fetched_at: Option<DateTime<Utc>>,
}

/// A new feed: the URL to paste into Google Calendar, Outlook or Apple Calendar. Any
/// earlier URL of the user stops working.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedCalendarFeed {
    pub url: String,
    pub created_at: DateTime<Utc>,
}

/// Who an invitation went to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationsSent {
    pub sent_to: Vec<String>,
}
