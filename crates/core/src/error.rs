use chrono::{DateTime, Utc};
use kite_shared::FieldError;

/// Why a request was not authenticated. Each has its own stable code so clients can
/// tell "log in again" from "your session was stolen".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    MissingToken,
    InvalidToken,
    ExpiredToken,
    InvalidRefreshToken,
    RefreshTokenReused,
    InvalidCredentials,
    AccountInactive,
    /// A webhook's signature is missing or does not verify.
    InvalidSignature,
    InvalidApiKey,
    RevokedApiKey,
    ExpiredApiKey,
}

impl AuthFailure {
    pub fn code(self) -> &'static str {
        match self {
            AuthFailure::MissingToken => "token_missing",
            AuthFailure::InvalidToken => "token_invalid",
            AuthFailure::ExpiredToken => "token_expired",
            AuthFailure::InvalidRefreshToken => "refresh_token_invalid",
            AuthFailure::RefreshTokenReused => "refresh_token_reused",
            AuthFailure::InvalidCredentials => "invalid_credentials",
            AuthFailure::AccountInactive => "account_inactive",
            AuthFailure::InvalidSignature => "signature_invalid",
            AuthFailure::InvalidApiKey => "api_key_invalid",
            AuthFailure::RevokedApiKey => "api_key_revoked",
            AuthFailure::ExpiredApiKey => "api_key_expired",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            AuthFailure::MissingToken => "Sign in to continue.",
            AuthFailure::InvalidToken => "Your session is not valid. Sign in again.",
            AuthFailure::ExpiredToken => "Your session has expired. Sign in again.",
            AuthFailure::InvalidRefreshToken => "Your session has ended. Sign in again.",
            AuthFailure::RefreshTokenReused => {
                "This session was ended because its token was used twice. Sign in again."
            }
            AuthFailure::InvalidCredentials => "Wrong email or password.",
            AuthFailure::AccountInactive => "This account has been deactivated. Ask an admin of your organization.",
            AuthFailure::InvalidSignature => "The request's signature is missing or does not verify.",
            AuthFailure::InvalidApiKey => "This API key is not valid.",
            AuthFailure::RevokedApiKey => "This API key has been revoked.",
            AuthFailure::ExpiredApiKey => "This API key has expired.",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("not allowed")]
    Forbidden,
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: String,
        field: Option<&'static str>,
        /// e.g. the existing record a duplicate collides with.
        details: Option<serde_json::Value>,
    },
    #[error("{}", .0.message())]
    Unauthenticated(AuthFailure),
    #[error("account locked until {until}")]
    AccountLocked { until: DateTime<Utc> },
    #[error("the link is invalid or has expired")]
    InvalidOneTimeToken,
    /// What was asked for existed but is no longer kept (an expired export file).
    #[error("{0}")]
    Gone(&'static str),
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("email: {0}")]
    Email(#[from] kite_email::EmailError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    /// Worth trying again later: the database or the mail service may be back.
    pub fn is_transient(&self) -> bool {
        match self {
            CoreError::Database(_) | CoreError::Internal(_) => true,
            CoreError::Email(email) => !email.is_permanent(),
            _ => false,
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> Result<(), CoreError> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Validation(errors))
        }
    }

    pub fn field(field: &str, code: &str, message: &str) -> CoreError {
        CoreError::Validation(vec![FieldError::new(field, code, message)])
    }
}

impl From<sea_orm::TransactionError<CoreError>> for CoreError {
    fn from(e: sea_orm::TransactionError<CoreError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => CoreError::Database(db),
            sea_orm::TransactionError::Transaction(core) => core,
        }
    }
}
