//! Sign-up, login and token refresh.

use crate::validation::{self, check_email, check_name, check_password};
use crate::{FieldError, OrganizationId, Role, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    pub organization_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
}

impl SignupRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        validation::collect([
            check_name("organization_name", "Organization name", &self.organization_name),
            check_name("name", "Name", &self.name),
            check_email("email", &self.email),
            check_password("password", &self.password, &self.email),
        ])
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

impl LoginRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = validation::collect([check_email("email", &self.email)]);
        if self.password.is_empty() {
            errors.push(FieldError::new("password", "required", "Password is required."));
        }
        errors
    }
}

/// The refresh token may come in the body (API clients) or in the HttpOnly cookie (the SPA).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    #[serde(default)]
    pub refresh_token: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthResponse {
    /// Short-lived JWT for the `Authorization: Bearer` header.
    pub access_token: String,
    /// Opaque, single-use; trade it at `/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub user: UserDto,
    pub organization: OrganizationDto,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserDto {
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// False until an invited user has set a password.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationDto {
    pub id: OrganizationId,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeResponse {
    pub user: UserDto,
    pub organization: OrganizationDto,
    /// Everything the user's role allows, so the SPA can hide the rest.
    pub permissions: Vec<crate::Permission>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    pub email: String,
}

impl PasswordResetRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        validation::collect([check_email("email", &self.email)])
    }
}

/// Sets a password with a one-time token from an email: a password reset or an invitation.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPasswordWithTokenRequest {
    pub token: String,
    pub password: String,
}

impl SetPasswordWithTokenRequest {
    /// The email is only known server-side, so the "not the email" rule is checked there.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.token.trim().is_empty() {
            errors.push(FieldError::new("token", "required", "The link is incomplete."));
        }
        errors.extend(check_password("password", &self.password, ""));
        errors
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateProfileRequest {
    pub name: String,
}

impl UpdateProfileRequest {
    pub fn validate(&self) -> Vec<FieldError> {
        validation::collect([check_name("name", "Name", &self.name)])
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl ChangePasswordRequest {
    /// `email` is the signed-in user's, for the "not your email" rule.
    pub fn validate(&self, email: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.current_password.is_empty() {
            errors.push(FieldError::new(
                "current_password",
                "required",
                "Enter your current password.",
            ));
        }
        errors.extend(check_password("new_password", &self.new_password, email));
        errors
    }
}
