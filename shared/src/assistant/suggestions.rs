//! Next best actions: what a user should do next on their deals, contacts, tasks and
//! approvals, ranked, each with its reason and one action.

use crate::FieldError;
use crate::crm::notes::RecordKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

string_enum! {
    /// Why something is suggested.
    SuggestionKind {
        ApprovalWaiting => "approval_waiting", "Approval waiting on you",
        TaskOverdue => "task_overdue", "Task overdue",
        CloseDatePassed => "close_date_passed", "Close date passed",
        EngagedContact => "engaged_contact", "Engaged with your email",
        StuckInStage => "stuck_in_stage", "Stuck in its stage",
        HotUntouched => "hot_untouched", "High score, no recent contact",
        NoNextStep => "no_next_step", "No next step planned",
    }
}

string_enum! {
    /// The one-click action a suggestion offers.
    SuggestionAction {
        CreateTask => "create_task", "Create task",
        Email => "email", "Write email",
        ReviewApproval => "review_approval", "Review",
        OpenTask => "open_task", "Open task",
    }
}

string_enum! {
    /// What a user did with a suggestion.
    SuggestionDecisionKind {
        Dismissed => "dismissed", "Dismissed",
        Snoozed => "snoozed", "Snoozed",
        TaskCreated => "task_created", "Task created",
    }
}

/// The task a `create_task` suggestion creates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposedTask {
    pub subject: String,
    pub due_at: DateTime<Utc>,
}

/// One next best action.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    /// Names the situation ("deal idle since…", "task due at…"): dismissing it hides this
    /// situation only, and a new one is suggested afresh.
    pub key: String,
    pub kind: SuggestionKind,
    /// 0–100, higher first.
    pub priority: u8,
    /// In plain words: "In Proposal for 34 days; deals usually leave it within 12".
    pub reason: String,
    /// What it is about, in a few words: the deal's title, the contact's name, or a
    /// task's subject when the task is linked to no record.
    pub title: String,
    /// The contact or deal it is about, if any.
    pub record_kind: Option<RecordKind>,
    pub record_id: Option<Uuid>,
    pub action: SuggestionAction,
    /// For `create_task`: what the task will say and when it is due.
    pub task: Option<ProposedTask>,
    /// For `email`: the contact to write to; `review_approval`: the request;
    /// `open_task`: the task.
    pub target_id: Option<Uuid>,
}

/// A user's suggestions, highest priority first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestions {
    pub items: Vec<Suggestion>,
    /// All there are, before `limit`.
    pub total: u32,
}

/// The most suggestions one request returns.
pub const MAX_SUGGESTIONS: u32 = 50;

/// `GET /suggestions`: the signed-in user's, or those about one record.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct SuggestionQuery {
    pub deal_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    /// 1–50; 10 by default.
    pub limit: Option<u32>,
}

impl SuggestionQuery {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.deal_id.is_some() && self.contact_id.is_some() {
            errors.push(FieldError::new(
                "contact_id",
                "conflict",
                "Ask for one record's suggestions: a deal or a contact",
            ));
        }
        if self.limit.is_some_and(|l| l == 0 || l > MAX_SUGGESTIONS) {
            errors.push(FieldError::new(
                "limit",
                "out_of_range",
                format!("limit is 1 to {MAX_SUGGESTIONS}"),
            ));
        }
        errors
    }
}

/// Dismiss, snooze or act on one suggestion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuggestionDecision {
    /// Required; missing reads as empty, so the error names `key`.
    #[serde(default)]
    pub key: String,
    /// Snoozing only: shown again after this many days (1–90).
    #[serde(default)]
    pub days: Option<u32>,
}

/// The longest snooze.
pub const MAX_SNOOZE_DAYS: u32 = 90;

/// A suggestion's key, read back: what it is about, so acting on it recomputes only
/// that record's suggestions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuggestionKey {
    pub kind: SuggestionKind,
    pub id: Uuid,
}

impl SuggestionKey {
    /// `{kind}:{id}:{situation}`.
    pub fn format(kind: SuggestionKind, id: Uuid, situation: &str) -> String {
        format!("{}:{id}:{situation}", kind.as_str())
    }

    pub fn parse(key: &str) -> Result<SuggestionKey, FieldError> {
        let bad = || FieldError::new("key", "invalid", "Not a suggestion's key");
        if key.len() > 200 {
            return Err(bad());
        }
        let mut parts = key.splitn(3, ':');
        let kind = parts.next().and_then(SuggestionKind::parse).ok_or_else(bad)?;
        let id = parts.next().and_then(|id| Uuid::parse_str(id).ok()).ok_or_else(bad)?;
        match parts.next() {
            Some(situation) if !situation.is_empty() => Ok(SuggestionKey { kind, id }),
            _ => Err(bad()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_reads_back_as_its_kind_and_record() {
        let id = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);
        let key = SuggestionKey::format(SuggestionKind::StuckInStage, id, "1765000000");
        assert_eq!(
            SuggestionKey::parse(&key),
            Ok(SuggestionKey {
                kind: SuggestionKind::StuckInStage,
                id
            })
        );
    }

    #[test]
    fn keys_that_are_not_a_suggestions_are_refused_on_the_key_field() {
        let id = Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0001);
        for key in [
            String::new(),
            "stuck_in_stage".to_owned(),
            format!("nonsense:{id}:1"),
            "stuck_in_stage:not-a-uuid:1".to_owned(),
            format!("stuck_in_stage:{id}"),
            format!("stuck_in_stage:{id}:{}", "x".repeat(300)),
        ] {
            assert_eq!(
                SuggestionKey::parse(&key).map_err(|e| e.field),
                Err("key".to_owned()),
                "{key}"
            );
        }
    }
}
