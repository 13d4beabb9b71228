//! The one error envelope of the API, modelled on RFC 7807 problem details.

use serde::{Deserialize, Serialize};

/// Every 4xx and 5xx answer of the API has this body (`application/problem+json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// The HTTP status, repeated so clients that only see the body have it.
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation_failed`, `account_locked`.
    pub code: String,
    /// Human-readable explanation, safe to show to the user.
    pub message: String,
    /// Per-field problems, present when the input was invalid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// More about the problem, e.g. the existing record behind a `duplicate_email` conflict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// One problem with one input field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name as it appears in the request, e.g. `email`.
    pub field: String,
    /// Stable code, e.g. `required`, `too_short`, `invalid_email`.
    pub code: String,
    pub message: String,
    /// Where in the field's text the problem is (a template's syntax error), 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
            line: None,
            column: None,
        }
    }

    pub fn at(mut self, line: u32, column: u32) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}
