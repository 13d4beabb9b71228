use crate::FieldError;
use crate::validation::{self, check_name};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Open stages hold deals in progress; the last two stages of every pipeline are the
/// fixed won and lost stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

impl StageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Open => "open",
            StageKind::Won => "won",
            StageKind::Lost => "lost",
        }
    }

    pub fn parse(raw: &str) -> StageKind {
        match raw {
            "won" => StageKind::Won,
            "lost" => StageKind::Lost,
            _ => StageKind::Open,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageDto {
    pub id: Uuid,
    pub pipeline_id: Uuid,
    pub name: String,
    pub position: i32,
    /// Default win probability (0–100) of deals entering the stage.
    pub probability: i32,
    pub kind: StageKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PipelineDto {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
    /// In board order; the won and lost stages come last.
    pub stages: Vec<StageDto>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PipelineInput {
    pub name: String,
    /// Open stages in order; won and lost stages are added after them. Empty gives a
    /// standard set.
    #[serde(default)]
    pub stages: Vec<StageInput>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StageInput {
    pub name: String,
    #[serde(default)]
    pub probability: Option<i32>,
}

impl StageInput {
    pub fn validate(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = validation::collect([check_name(&format!("{prefix}name"), "Stage name", &self.name)]);
        if self.probability.is_some_and(|p| !(0..=100).contains(&p)) {
            errors.push(FieldError::new(
                &format!("{prefix}probability"),
                "out_of_range",
                "Use a probability from 0 to 100.",
            ));
        }
        errors
    }
}

impl PipelineInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = validation::collect([check_name("name", "Pipeline name", &self.name)]);
        for (i, stage) in self.stages.iter().enumerate() {
            errors.extend(stage.validate(&format!("stages.{i}.")));
        }
        if self.stages.len() > 30 {
            errors.push(FieldError::new("stages", "too_many", "At most 30 stages."));
        }
        errors
    }
}

/// Renames a pipeline, or makes it the one the board and new deals start with.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PipelineUpdate {
    pub name: String,
    #[serde(default)]
    pub is_default: Option<bool>,
}

impl PipelineUpdate {
    pub fn validate(&self) -> Vec<FieldError> {
        validation::collect([check_name("name", "Pipeline name", &self.name)])
    }
}

/// The open stages of a pipeline in their new order (won and lost stay last).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StageOrder {
    pub stage_ids: Vec<Uuid>,
}

/// Where the deals of a stage being deleted go; required when it holds any.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct DeleteStageQuery {
    #[serde(default)]
    pub move_deals_to: Option<Uuid>,
}

/// The stages every new pipeline starts with.
pub const DEFAULT_STAGES: [(&str, i32); 5] = [
    ("Lead in", 10),
    ("Qualified", 25),
    ("Meeting", 50),
    ("Proposal", 70),
    ("Negotiation", 90),
];
