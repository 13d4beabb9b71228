//! Sequences: ordered steps (an email, a wait, a task for the contact's owner) that
//! each enrolled contact goes through until they finish, reply, or are taken out.

use super::campaigns::{Audience, Exclusions};
use crate::crm::activities::ActivityKind;
use crate::validation::{check_name, collect};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_STEPS: usize = 50;
/// The longest single wait: a year of days (or its hours).
pub const MAX_WAIT_DAYS: u32 = 365;

string_enum! {
    /// A paused sequence advances nobody until it is resumed.
    SequenceStatus {
        Active => "active", "Active",
        Paused => "paused", "Paused",
    }
}

string_enum! {
    StepKind {
        Email => "email", "Email",
        Wait => "wait", "Wait",
        Task => "task", "Task",
    }
}

string_enum! {
    WaitUnit {
        Hours => "hours", "hours",
        Days => "days", "days",
    }
}

string_enum! {
    EnrollmentState {
        Active => "active", "Active",
        Paused => "paused", "Paused",
        Finished => "finished", "Finished",
        Exited => "exited", "Exited",
    }
}

string_enum! {
    /// Why an enrollment ended before its last step.
    ExitReason {
        Replied => "replied", "Replied",
        Unsubscribed => "unsubscribed", "Unsubscribed",
        Bounced => "bounced", "Bounced",
        DealWon => "deal_won", "Deal won",
        Manual => "manual", "Stopped by hand",
        Unreachable => "unreachable", "Contact unreachable",
    }
}

impl EnrollmentState {
    /// Still in the sequence (it can be paused, resumed and stopped).
    pub fn is_open(self) -> bool {
        matches!(self, EnrollmentState::Active | EnrollmentState::Paused)
    }
}

/// One step as the editor sends it: the fields its kind needs. Keeping the id of an
/// existing step keeps its statistics and the enrollments that stand on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepInput {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub kind: StepKind,
    /// Email: the template it sends.
    #[serde(default)]
    pub template_id: Option<Uuid>,
    /// Wait: how long.
    #[serde(default)]
    pub wait_amount: Option<u32>,
    #[serde(default)]
    pub wait_unit: Option<WaitUnit>,
    /// Wait in days: count only Monday to Friday.
    #[serde(default)]
    pub business_days: bool,
    /// Task: what kind of activity the owner gets, and its subject.
    #[serde(default)]
    pub task_kind: Option<ActivityKind>,
    #[serde(default)]
    pub task_title: Option<String>,
}

impl StepInput {
    pub fn email(template_id: Uuid) -> Self {
        Self {
            template_id: Some(template_id),
            ..Self::blank(StepKind::Email)
        }
    }

    pub fn wait(amount: u32, unit: WaitUnit) -> Self {
        Self {
            wait_amount: Some(amount),
            wait_unit: Some(unit),
            ..Self::blank(StepKind::Wait)
        }
    }

    pub fn task(kind: ActivityKind, title: &str) -> Self {
        Self {
            task_kind: Some(kind),
            task_title: Some(title.to_owned()),
            ..Self::blank(StepKind::Task)
        }
    }

    /// A step of this kind with nothing filled in yet.
    pub fn blank(kind: StepKind) -> Self {
        Self {
            id: None,
            kind,
            template_id: None,
            wait_amount: None,
            wait_unit: None,
            business_days: false,
            task_kind: None,
            task_title: None,
        }
    }

    fn validate(&self, index: usize) -> Vec<FieldError> {
        let field = |name: &str| format!("steps[{index}].{name}");
        let mut errors = Vec::new();
        match self.kind {
            StepKind::Email => {
                if self.template_id.is_none() {
                    errors.push(FieldError::new(
                        &field("template_id"),
                        "required",
                        "Pick the template this step sends.",
                    ));
                }
            }
            StepKind::Wait => {
                let unit = self.wait_unit.unwrap_or(WaitUnit::Days);
                let most = match unit {
                    WaitUnit::Days => MAX_WAIT_DAYS,
                    WaitUnit::Hours => MAX_WAIT_DAYS * 24,
                };
                match self.wait_amount {
                    Some(amount) if (1..=most).contains(&amount) => {}
                    _ => errors.push(FieldError::new(
                        &field("wait_amount"),
                        "out_of_range",
                        format!("Wait between 1 and {most} {}.", unit.label()),
                    )),
                }
                if self.business_days && unit == WaitUnit::Hours {
                    errors.push(FieldError::new(
                        &field("business_days"),
                        "days_only",
                        "Business days apply to waits counted in days.",
                    ));
                }
            }
            StepKind::Task => {
                if let Some(error) = check_name(&field("task_title"), "Task", self.task_title.as_deref().unwrap_or(""))
                {
                    errors.push(error);
                }
                if self.task_kind == Some(ActivityKind::Note) {
                    errors.push(FieldError::new(
                        &field("task_kind"),
                        "not_a_task",
                        "A note is not something to do: pick call, email, meeting or task.",
                    ));
                }
            }
        }
        errors
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SequenceInput {
    pub name: String,
    #[serde(default)]
    pub steps: Vec<StepInput>,
}

impl SequenceInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = collect([check_name("name", "Name", &self.name)]);
        if self.steps.len() > MAX_STEPS {
            errors.push(FieldError::new(
                "steps",
                "too_many",
                format!("A sequence has at most {MAX_STEPS} steps."),
            ));
        }
        for (index, step) in self.steps.iter().enumerate() {
            errors.extend(step.validate(index));
        }
        if !self.steps.is_empty() && !self.steps.iter().any(|s| s.kind != StepKind::Wait) {
            errors.push(FieldError::new(
                "steps",
                "only_waits",
                "A sequence needs an email or a task, not only waits.",
            ));
        }
        errors
    }
}

/// How one step is doing: emails it sent and what they did, or tasks it made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepStats {
    /// Enrollments standing on this step now.
    pub current: u64,
    pub sent: u64,
    pub opened: u64,
    pub clicked: u64,
    pub replied: u64,
    pub bounced: u64,
    pub tasks: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepDto {
    pub id: Uuid,
    pub position: u32,
    pub kind: StepKind,
    pub template_id: Option<Uuid>,
    pub template_name: Option<String>,
    pub wait_amount: Option<u32>,
    pub wait_unit: Option<WaitUnit>,
    pub business_days: bool,
    pub task_kind: Option<ActivityKind>,
    pub task_title: Option<String>,
    pub stats: StepStats,
}

impl StepDto {
    /// The step as the editor sends it back.
    pub fn input(&self) -> StepInput {
        StepInput {
            id: Some(self.id),
            kind: self.kind,
            template_id: self.template_id,
            wait_amount: self.wait_amount,
            wait_unit: self.wait_unit,
            business_days: self.business_days,
            task_kind: self.task_kind,
            task_title: self.task_title.clone(),
        }
    }
}

/// Enrollments by state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollmentCounts {
    pub active: u64,
    pub paused: u64,
    pub finished: u64,
    pub exited: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SequenceDto {
    pub id: Uuid,
    pub name: String,
    pub status: SequenceStatus,
    pub steps: Vec<StepDto>,
    pub enrollments: EnrollmentCounts,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who to enroll: contacts picked by hand (one, or a selection of the list) or the
/// contacts a filter matches. `deal_id` ties the enrollment to a deal, whose timeline
/// then shows its emails too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrollInput {
    pub audience: Audience,
    #[serde(default)]
    pub deal_id: Option<Uuid>,
}

/// What an enroll call did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollOutcome {
    pub enrolled: u64,
    /// Already in this sequence (now or before).
    pub already_enrolled: u64,
    pub excluded: Exclusions,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrollmentDto {
    pub id: Uuid,
    pub sequence_id: Uuid,
    pub sequence_name: Option<String>,
    pub contact_id: Uuid,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub deal_id: Option<Uuid>,
    pub state: EnrollmentState,
    pub exit_reason: Option<ExitReason>,
    /// The step it runs next (its position, from 0); past the last step when finished.
    pub current_step: u32,
    pub next_step_at: Option<DateTime<Utc>>,
    pub enrolled_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct EnrollmentQuery {
    #[serde(default)]
    pub state: Option<EnrollmentState>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(input: &SequenceInput) -> Vec<String> {
        input.validate().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn each_step_kind_names_the_field_it_misses() {
        let input = SequenceInput {
            name: "Follow up".into(),
            steps: vec![
                StepInput::blank(StepKind::Email),
                StepInput::blank(StepKind::Wait),
                StepInput::blank(StepKind::Task),
            ],
        };
        assert_eq!(
            fields(&input),
            ["steps[0].template_id", "steps[1].wait_amount", "steps[2].task_title"]
        );
    }

    #[test]
    fn business_days_only_count_days() {
        let mut wait = StepInput::wait(4, WaitUnit::Hours);
        wait.business_days = true;
        let input = SequenceInput {
            name: "x".into(),
            steps: vec![wait, StepInput::task(ActivityKind::Call, "Call")],
        };
        assert_eq!(fields(&input), ["steps[0].business_days"]);
    }

    #[test]
    fn a_sequence_of_waits_alone_is_refused() {
        let input = SequenceInput {
            name: "x".into(),
            steps: vec![StepInput::wait(1, WaitUnit::Days)],
        };
        assert_eq!(fields(&input), ["steps"]);
    }
}
