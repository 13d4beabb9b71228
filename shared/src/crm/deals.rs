use super::custom_values::{CustomFieldFilter, CustomValues};
use super::money::{CurrencyTotal, Money, check_money};
use super::pipelines::{PipelineDto, StageDto};
use super::tags::check_tags;
use crate::validation::{self, check_name};
use crate::{FieldError, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    Open,
    Won,
    Lost,
}

impl DealStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DealStatus::Open => "open",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
        }
    }

    pub fn parse(raw: &str) -> DealStatus {
        match raw {
            "won" => DealStatus::Won,
            "lost" => DealStatus::Lost,
            _ => DealStatus::Open,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DealDto {
    pub id: Uuid,
    pub title: String,
    pub value: Money,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub probability: i32,
    pub expected_close: Option<NaiveDate>,
    pub owner_id: Option<UserId>,
    pub company_id: Option<Uuid>,
    pub company_name: Option<String>,
    pub contact_ids: Vec<Uuid>,
    pub status: DealStatus,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Percent off the list price, which approval workflows may guard.
    #[serde(default)]
    pub discount_percent: Option<i32>,
    /// The approval request holding a move of the deal, while one is pending.
    #[serde(default)]
    pub pending_approval: Option<PendingApproval>,
    /// Tag names, sorted.
    #[serde(default)]
    pub tags: Vec<String>,
    /// An open deal's chance of being won, and why; `None` until first scored.
    #[serde(default)]
    pub score: Option<crate::insights::RecordScore>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Custom field values by the field's key (`GET /custom-fields` lists the fields and
    /// their types): text, long text, URL, email and user (an id) as strings, numbers and
    /// currency amounts as numbers, dates as `YYYY-MM-DD`, yes/no as booleans, a single
    /// select as the option's name and a multi select as a list of names. Fields without a
    /// value are left out.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::crm::custom_values::CustomFieldValue>))]
    pub custom_fields: CustomValues,
}

impl DealDto {
    /// The input that saves the deal as it is: its stage goes along too, and the same
    /// stage is no move, so a move made meanwhile is kept (its tags and custom values
    /// are left alone).
    pub fn to_input(self) -> DealInput {
        DealInput {
            title: self.title,
            value: Some(self.value),
            pipeline_id: Some(self.pipeline_id),
            stage_id: Some(self.stage_id),
            probability: Some(self.probability),
            discount_percent: self.discount_percent,
            expected_close: self.expected_close,
            owner_id: self.owner_id,
            company_id: self.company_id,
            contact_ids: self.contact_ids,
            tags: None,
            custom_fields: CustomValues::new(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DealInput {
    pub title: String,
    pub value: Option<Money>,
    /// Defaults to the organization's default pipeline.
    #[serde(default)]
    pub pipeline_id: Option<Uuid>,
    /// Defaults to the pipeline's first stage.
    #[serde(default)]
    pub stage_id: Option<Uuid>,
    /// Defaults to the stage's probability.
    #[serde(default)]
    pub probability: Option<i32>,
    /// Percent off the list price, 0 to 100.
    #[serde(default)]
    pub discount_percent: Option<i32>,
    #[serde(default)]
    pub expected_close: Option<NaiveDate>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    #[serde(default)]
    pub contact_ids: Vec<Uuid>,
    /// Replaces the record's tags (created when new); left out, the tags stay as they are.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Custom field values by key, typed as in the record's `custom_fields`; a key left
    /// out keeps its value, `null` clears it. A wrong type, an unknown option or key is a
    /// 422 naming `custom_fields.<key>`.
    #[serde(default, skip_serializing_if = "CustomValues::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::crm::custom_values::CustomFieldValue>))]
    pub custom_fields: CustomValues,
}

impl DealInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = validation::collect([check_name("title", "Title", &self.title)]);
        if let Some(value) = &self.value {
            errors.extend(check_money("value", value));
        }
        if self.probability.is_some_and(|p| !(0..=100).contains(&p)) {
            errors.push(FieldError::new(
                "probability",
                "out_of_range",
                "Use a probability from 0 to 100.",
            ));
        }
        if self.discount_percent.is_some_and(|d| !(0..=100).contains(&d)) {
            errors.push(FieldError::new(
                "discount_percent",
                "out_of_range",
                "Use a discount from 0 to 100 percent.",
            ));
        }
        if self.contact_ids.len() > 50 {
            errors.push(FieldError::new(
                "contact_ids",
                "too_many",
                "At most 50 contacts per deal.",
            ));
        }
        if let Some(tags) = &self.tags {
            errors.extend(check_tags(tags));
        }
        errors
    }
}

/// Moves a deal to a stage (and a place in its column). Entering a lost stage needs a reason.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveDealRequest {
    pub stage_id: Uuid,
    /// Put the deal right after this one in the column; none puts it first.
    #[serde(default)]
    pub after_deal_id: Option<Uuid>,
    #[serde(default)]
    pub lost_reason: Option<String>,
}

/// One column of the board: its stage, its open deals in order, and totals per currency.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardColumn {
    pub stage: StageDto,
    pub deals: Vec<DealCard>,
    /// All deals in the stage, also those beyond `deals`.
    pub count: u64,
    pub totals: Vec<CurrencyTotal>,
}

/// What a board card shows; the detail page has the rest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DealCard {
    pub id: Uuid,
    pub title: String,
    pub value: Money,
    pub owner_id: Option<UserId>,
    pub company_name: Option<String>,
    pub expected_close: Option<NaiveDate>,
    pub probability: i32,
    /// The approval request holding a move of the deal, while one is pending.
    #[serde(default)]
    pub pending_approval: Option<PendingApproval>,
    /// The deal's chance of being won, and why; `None` until first scored.
    #[serde(default)]
    pub score: Option<crate::insights::RecordScore>,
}

/// A move waiting for sign-off: the board and the deal page show it as a badge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingApproval {
    pub request_id: Uuid,
    pub to_stage_id: Uuid,
    pub to_stage_name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    pub pipeline: PipelineDto,
    pub columns: Vec<BoardColumn>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct BoardQuery {
    /// Defaults to the organization's default pipeline.
    #[serde(default)]
    pub pipeline_id: Option<Uuid>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    /// Cards per column (default 50, at most 200); counts and totals cover every deal.
    #[serde(default)]
    pub per_column: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageChangeDto {
    pub id: Uuid,
    pub from_stage_id: Option<Uuid>,
    pub to_stage_id: Uuid,
    pub moved_by: Option<UserId>,
    pub moved_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DealListQuery {
    /// Matches the title.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub pipeline_id: Option<Uuid>,
    #[serde(default)]
    pub stage_id: Option<Uuid>,
    #[serde(default)]
    pub status: Option<DealStatus>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    /// Only deals this contact takes part in.
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    /// Only records with this tag (by name, any case).
    #[serde(default)]
    pub tag: Option<String>,
    /// Only deals in this currency (with `min_value`/`max_value`, in minor units).
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub min_value: Option<i64>,
    #[serde(default)]
    pub max_value: Option<i64>,
    #[serde(default)]
    pub close_from: Option<NaiveDate>,
    #[serde(default)]
    pub close_to: Option<NaiveDate>,
    /// Scored at least this (0–100); closed deals have no score and are left out.
    #[serde(default)]
    pub min_score: Option<i32>,
    /// Scored at most this (0–100); closed deals have no score and are left out.
    #[serde(default)]
    pub max_score: Option<i32>,
    /// `title`, `value`, `expected_close`, `probability`, `score`, `created_at`,
    /// `updated_at`. Deals without a score come last either way.
    #[serde(default)]
    pub sort: Option<String>,
    /// `cf.<key>=…` parameters, which the server splits off the query string (see
    /// [`crate::crm::custom_values`]).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub custom_fields: Vec<CustomFieldFilter>,
}
