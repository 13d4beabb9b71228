use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kinds of record that notes, tags and timelines attach to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Contact,
    Company,
    Deal,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Contact => "contact",
            RecordKind::Company => "company",
            RecordKind::Deal => "deal",
        }
    }

    /// The path segment of the record's API routes.
    pub fn plural(self) -> &'static str {
        match self {
            RecordKind::Contact => "contacts",
            RecordKind::Company => "companies",
            RecordKind::Deal => "deals",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteDto {
    pub id: Uuid,
    pub record_kind: RecordKind,
    pub record_id: Uuid,
    pub author_id: Option<UserId>,
    pub author_name: Option<String>,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub body: String,
}

impl NoteInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let chars = self.body.trim().chars().count();
        if chars == 0 {
            vec![FieldError::new("body", "required", "Write something.")]
        } else if chars > 50_000 {
            vec![FieldError::new("body", "too_long", "At most 50,000 characters.")]
        } else {
            Vec::new()
        }
    }
}
