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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

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
}

impl ActivityInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = validation::collect([check_name("subject", "Subject", &self.subject)]);
        if self.body.as_ref().is_some_and(|b| b.chars().count() > 50_000) {
            errors.push(FieldError::new("body", "too_long", "At most 50,000 characters."));
        }
        errors
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
