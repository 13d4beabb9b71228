//! The one list shape for CRM records.

use serde::{Deserialize, Serialize};

/// Sort order: a column name, `-` in front for descending (`-created_at`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sort {
    pub column: String,
    pub descending: bool,
}

impl Sort {
    pub fn parse(raw: Option<&str>, default: &str) -> Sort {
        let raw = raw.filter(|r| !r.is_empty()).unwrap_or(default);
        match raw.strip_prefix('-') {
            Some(column) => Sort {
                column: column.to_owned(),
                descending: true,
            },
            None => Sort {
                column: raw.to_owned(),
                descending: false,
            },
        }
    }
}

/// What bulk actions can do to a selection of records.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum BulkAction {
    AssignOwner {
        owner_id: crate::UserId,
    },
    /// Puts the tag on every selected record (creating the tag when new).
    AddTag {
        tag: String,
    },
    RemoveTag {
        tag: String,
    },
    Delete,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkRequest {
    pub ids: Vec<uuid::Uuid>,
    #[serde(flatten)]
    pub action: BulkAction,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResult {
    /// Records changed.
    pub updated: u64,
}

pub const MAX_BULK: usize = 1000;
