//! The audit log: who changed what, when, from where.

use crate::{OrganizationId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryDto {
    pub id: uuid::Uuid,
    pub organization_id: Option<OrganizationId>,
    pub actor_user_id: Option<UserId>,
    /// Name or email of the actor when the entry was written.
    pub actor_label: Option<String>,
    /// Dotted verb, e.g. `auth.login_failed`, `user.updated`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries by this user.
    #[serde(default)]
    pub actor_user_id: Option<UserId>,
    /// Exact action, or a prefix ending in `.` (`auth.` matches every auth event).
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub entity_type: Option<String>,
    #[serde(default)]
    pub entity_id: Option<String>,
    /// Inclusive lower bound (RFC 3339).
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound (RFC 3339).
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
}
