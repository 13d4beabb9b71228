//! User management by admins.

use crate::validation::{self, check_email, check_name};
use crate::{FieldError, Role};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InviteUserRequest {
    pub email: String,
    pub name: String,
    pub role: Role,
}

impl InviteUserRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        validation::collect([
            check_email("email", &self.email),
            check_name("name", "Name", &self.name),
        ])
    }
}

/// Only the fields present are changed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub active: Option<bool>,
}

impl UpdateUserRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        validation::collect([self.name.as_deref().and_then(|n| check_name("name", "Name", n))])
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UserListQuery {
    /// Matches name or email.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub active: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteResponse {
    pub user: crate::auth::UserDto,
    /// When the invitation link stops working.
    pub invitation_expires_at: chrono::DateTime<chrono::Utc>,
}
