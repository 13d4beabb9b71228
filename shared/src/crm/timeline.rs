use crate::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One thing that happened to a record, newest first on its timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// `activity`, `note`, `stage_change` or `change` (a field edit from the audit log).
    pub kind: String,
    /// One line for the list, e.g. "Call: Intro with Ann" or "Moved from Qualified to Meeting".
    pub title: String,
    pub body: Option<String>,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    /// The activity, note or stage change the entry stands for.
    pub source_id: Uuid,
}
