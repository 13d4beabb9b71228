//! Approval workflows: which deal moves need whose sign-off, the requests they raise,
//! and the decisions on them. The editor and the inbox validate with the same rules as
//! the server.

use crate::crm::money::{Money, check_money};
use crate::validation::check_name;
use crate::{FieldError, Role, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_STEPS: usize = 10;
pub const MAX_APPROVERS_PER_STEP: usize = 20;
pub const MAX_COMMENT_CHARS: usize = 2000;
/// A step may be given up to 90 days.
pub const MAX_DUE_HOURS: u32 = 24 * 90;

/// How many of a step's approvers must approve.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    /// One approval is enough.
    #[default]
    Any,
    /// Every approver must approve; they decide independently, in any order.
    All,
}

impl ApprovalMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalMode::Any => "any",
            ApprovalMode::All => "all",
        }
    }

    pub fn parse(raw: &str) -> ApprovalMode {
        match raw {
            "all" => ApprovalMode::All,
            _ => ApprovalMode::Any,
        }
    }
}

/// One step of a workflow: who approves and how many must.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApprovalStep {
    pub name: String,
    #[serde(default)]
    pub mode: ApprovalMode,
    /// Named approvers: active users of the organization.
    #[serde(default)]
    pub approver_ids: Vec<UserId>,
    /// Everyone with one of these roles approves too ("any manager"); viewers cannot.
    #[serde(default)]
    pub approver_roles: Vec<Role>,
    /// Hours the step may take once it is reached; its approvers are reminded once by
    /// email when it is overdue.
    #[serde(default)]
    pub due_hours: Option<u32>,
}

/// A workflow as the editor sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApprovalWorkflowInput {
    pub name: String,
    #[serde(default = "active_by_default")]
    pub active: bool,
    /// Lower runs first: when several workflows match a move, the one with the lowest
    /// priority (then the oldest) applies and the others do not.
    #[serde(default)]
    pub priority: i32,
    /// The trigger: a deal entering this stage (a won stage: being marked won).
    pub stage_id: Uuid,
    /// Only deals in this currency worth more than this.
    #[serde(default)]
    pub min_value: Option<Money>,
    /// Only deals with a discount above this, in percent.
    #[serde(default)]
    pub min_discount_percent: Option<i32>,
    /// Only deals whose owner has one of these roles; empty: any owner.
    #[serde(default)]
    pub owner_roles: Vec<Role>,
    /// Run one after another.
    pub steps: Vec<ApprovalStep>,
}

fn active_by_default() -> bool {
    true
}

impl ApprovalWorkflowInput {
    /// The rules that need no database: the server adds those that do (the stage, the
    /// approvers, the currency).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_name("name", "Name", &self.name).into_iter().collect();
        if let Some(value) = &self.min_value {
            errors.extend(check_money("min_value", value));
        }
        if self.min_discount_percent.is_some_and(|d| !(0..=100).contains(&d)) {
            errors.push(FieldError::new(
                "min_discount_percent",
                "out_of_range",
                "Use a discount from 0 to 100 percent.",
            ));
        }
        if self.owner_roles.contains(&Role::Viewer) {
            errors.push(FieldError::new(
                "owner_roles",
                "viewer_owns_nothing",
                "Viewers do not own deals.",
            ));
        }
        if self.steps.is_empty() {
            errors.push(FieldError::new("steps", "required", "Add at least one step."));
        }
        if self.steps.len() > MAX_STEPS {
            errors.push(FieldError::new(
                "steps",
                "too_many",
                format!("At most {MAX_STEPS} steps."),
            ));
        }
        for (i, step) in self.steps.iter().enumerate() {
            errors.extend(step.validate(&format!("steps[{i}]")));
        }
        errors
    }
}

impl ApprovalStep {
    fn validate(&self, at: &str) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_name(&format!("{at}.name"), "Step name", &self.name)
            .into_iter()
            .collect();
        if self.approver_ids.is_empty() && self.approver_roles.is_empty() {
            errors.push(FieldError::new(
                &format!("{at}.approver_ids"),
                "required",
                "Name at least one approver or role.",
            ));
        }
        if self.approver_ids.len() > MAX_APPROVERS_PER_STEP {
            errors.push(FieldError::new(
                &format!("{at}.approver_ids"),
                "too_many",
                format!("At most {MAX_APPROVERS_PER_STEP} named approvers."),
            ));
        }
        if self.approver_roles.contains(&Role::Viewer) {
            errors.push(FieldError::new(
                &format!("{at}.approver_roles"),
                "viewer_cannot_approve",
                "Viewers cannot approve.",
            ));
        }
        if self.due_hours.is_some_and(|h| h == 0 || h > MAX_DUE_HOURS) {
            errors.push(FieldError::new(
                &format!("{at}.due_hours"),
                "out_of_range",
                format!("Give a step from 1 to {MAX_DUE_HOURS} hours."),
            ));
        }
        errors
    }
}

/// A workflow as it is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalWorkflowDto {
    pub id: Uuid,
    pub name: String,
    pub active: bool,
    pub priority: i32,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub stage_name: String,
    pub min_value: Option<Money>,
    pub min_discount_percent: Option<i32>,
    pub owner_roles: Vec<Role>,
    pub steps: Vec<ApprovalStep>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An open deal a workflow would hold if it were moved into its stage today.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviewDeal {
    pub id: Uuid,
    pub title: String,
    pub value: Money,
    pub stage_name: String,
}

/// Which open deals a draft workflow would apply to today (first 20) and how many.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkflowPreview {
    pub deals: Vec<PreviewDeal>,
    pub count: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    /// The deal changed while the request was pending.
    Voided,
}

impl ApprovalStatus {
    pub const ALL: [ApprovalStatus; 5] = [
        ApprovalStatus::Pending,
        ApprovalStatus::Approved,
        ApprovalStatus::Rejected,
        ApprovalStatus::Withdrawn,
        ApprovalStatus::Voided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Approved => "approved",
            ApprovalStatus::Rejected => "rejected",
            ApprovalStatus::Withdrawn => "withdrawn",
            ApprovalStatus::Voided => "voided",
        }
    }

    pub fn parse(raw: &str) -> Option<ApprovalStatus> {
        ApprovalStatus::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    pub fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "Pending",
            ApprovalStatus::Approved => "Approved",
            ApprovalStatus::Rejected => "Rejected",
            ApprovalStatus::Withdrawn => "Withdrawn",
            ApprovalStatus::Voided => "Voided",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// An earlier step is still deciding.
    Waiting,
    Active,
    Approved,
    Rejected,
    /// The request ended before the step was reached.
    Closed,
}

impl StepStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Waiting => "waiting",
            StepStatus::Active => "active",
            StepStatus::Approved => "approved",
            StepStatus::Rejected => "rejected",
            StepStatus::Closed => "closed",
        }
    }

    pub fn parse(raw: &str) -> StepStatus {
        match raw {
            "active" => StepStatus::Active,
            "approved" => StepStatus::Approved,
            "rejected" => StepStatus::Rejected,
            "closed" => StepStatus::Closed,
            _ => StepStatus::Waiting,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approved,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Decision> {
        match raw {
            "approved" => Some(Decision::Approved),
            "rejected" => Some(Decision::Rejected),
            _ => None,
        }
    }
}

/// What the request asked for, as the deal was when it was asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalSnapshot {
    pub title: String,
    pub value: Money,
    pub discount_percent: Option<i32>,
    pub owner_id: Option<UserId>,
    pub from_stage_id: Uuid,
    pub from_stage_name: String,
    pub to_stage_id: Uuid,
    pub to_stage_name: String,
}

/// A request as the inbox lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalSummary {
    pub id: Uuid,
    pub deal_id: Uuid,
    pub workflow_name: String,
    pub status: ApprovalStatus,
    pub snapshot: ApprovalSnapshot,
    pub requested_by: Option<UserId>,
    pub requester_name: Option<String>,
    /// 1-based; the last step once the request is closed.
    pub current_step: u32,
    pub step_count: u32,
    pub current_step_name: String,
    /// The signed-in user has an undecided say in the current step.
    pub waiting_on_me: bool,
    /// The current step is past its due time.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// One approver of a step and what they decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApproverDto {
    pub user_id: UserId,
    pub name: String,
    pub decision: Option<Decision>,
    pub comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestStepDto {
    /// 1-based.
    pub position: u32,
    pub name: String,
    pub mode: ApprovalMode,
    pub status: StepStatus,
    pub started_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub completed_at: Option<DateTime<Utc>>,
    pub approvers: Vec<ApproverDto>,
}

/// One line of a request's trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalActionDto {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// `requested`, `approved`, `rejected`, `commented`, `withdrawn`, `reassigned`,
    /// `voided`, `applied` or `reminded`.
    pub action: String,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub step: Option<u32>,
    pub comment: Option<String>,
}

/// A request with its steps, approvers and trail, and what the signed-in user may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRequestDto {
    pub summary: ApprovalSummary,
    pub steps: Vec<RequestStepDto>,
    pub trail: Vec<ApprovalActionDto>,
    pub can_decide: bool,
    pub can_withdraw: bool,
    pub can_reassign: bool,
}

/// Asks for the move of a deal into a guarded stage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApprovalRequest {
    pub deal_id: Uuid,
    pub stage_id: Uuid,
    /// Why the deal deserves it; the approvers read it first.
    #[serde(default)]
    pub note: Option<String>,
}

/// An approval, a rejection (which needs a comment), a comment or a withdrawal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[serde(default)]
    pub comment: Option<String>,
}

/// Hands an approver's say in the current step to someone else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReassignInput {
    pub from_user_id: UserId,
    pub to_user_id: UserId,
}

/// Which requests the inbox shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalBox {
    /// Pending requests whose current step waits for the signed-in user.
    #[default]
    Waiting,
    /// Requests the signed-in user made.
    Mine,
    /// Every request (managers and admins).
    All,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ApprovalListQuery {
    #[serde(default, rename = "box")]
    #[cfg_attr(feature = "openapi", param(inline))]
    pub inbox: Option<ApprovalBox>,
    #[serde(default)]
    pub status: Option<ApprovalStatus>,
    #[serde(default)]
    pub deal_id: Option<Uuid>,
}

/// The inbox's tab counts: pending requests only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalCounts {
    pub waiting: u64,
    pub mine: u64,
    /// Null for those who may not see every request.
    pub all: Option<u64>,
}

/// A comment's rule: optional unless `required`, at most [`MAX_COMMENT_CHARS`].
pub fn check_comment(field: &str, comment: Option<&str>, required: bool) -> Option<FieldError> {
    let text = comment.map(str::trim).unwrap_or_default();
    if required && text.is_empty() {
        return Some(FieldError::new(field, "required", "Say why."));
    }
    (text.chars().count() > MAX_COMMENT_CHARS)
        .then(|| FieldError::new(field, "too_long", format!("At most {MAX_COMMENT_CHARS} characters.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workflow_without_steps_or_a_step_without_approvers_is_refused_naming_the_field() {
        let mut workflow = ApprovalWorkflowInput {
            name: "Big deals".into(),
            stage_id: Uuid::nil(),
            ..Default::default()
        };
        let fields = |w: &ApprovalWorkflowInput| w.validate().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(fields(&workflow), ["steps"]);
        workflow.steps.push(ApprovalStep {
            name: "Manager".into(),
            ..Default::default()
        });
        assert_eq!(fields(&workflow), ["steps[0].approver_ids"]);
        workflow.steps[0].approver_roles.push(Role::Manager);
        assert!(fields(&workflow).is_empty());
    }
}
