//! Addresses the organization never emails: every send checks this list.

use crate::validation::check_email;
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const MAX_DETAIL_CHARS: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    Unsubscribe,
    Bounce,
    SpamReport,
    Manual,
}

impl SuppressionReason {
    pub const ALL: [SuppressionReason; 4] = [
        SuppressionReason::Unsubscribe,
        SuppressionReason::Bounce,
        SuppressionReason::SpamReport,
        SuppressionReason::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionReason::Unsubscribe => "unsubscribe",
            SuppressionReason::Bounce => "bounce",
            SuppressionReason::SpamReport => "spam_report",
            SuppressionReason::Manual => "manual",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SuppressionReason::Unsubscribe => "Unsubscribed",
            SuppressionReason::Bounce => "Bounced",
            SuppressionReason::SpamReport => "Marked as spam",
            SuppressionReason::Manual => "Added by hand",
        }
    }

    pub fn parse(raw: &str) -> SuppressionReason {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .unwrap_or(SuppressionReason::Manual)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuppressionDto {
    pub id: Uuid,
    pub email: String,
    pub reason: SuppressionReason,
    pub detail: Option<String>,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuppressionInput {
    pub email: String,
    #[serde(default)]
    pub detail: Option<String>,
}

impl SuppressionInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_email("email", &self.email).into_iter().collect();
        if self
            .detail
            .as_deref()
            .is_some_and(|d| d.chars().count() > MAX_DETAIL_CHARS)
        {
            errors.push(FieldError::new(
                "detail",
                "too_long",
                format!("Use at most {MAX_DETAIL_CHARS} characters."),
            ));
        }
        errors
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SuppressionQuery {
    /// Part of the address.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub reason: Option<SuppressionReason>,
}
