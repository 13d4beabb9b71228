//! The one place where errors become HTTP responses: every failure of the API answers
//! with [`ErrorBody`] as `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError, error::JsonPayloadError, error::QueryPayloadError};
use kite_core::CoreError;
use kite_shared::integrations::api_keys::ApiScope;
use kite_shared::{ErrorBody, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Core(#[from] CoreError),
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("uploaded file too large")]
    FileTooLarge { limit_bytes: usize },
    #[error("no such route")]
    RouteNotFound,
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("the API key lacks a scope")]
    MissingScope(ApiScope),
    #[error("API keys cannot call this route")]
    SessionRequired,
}

impl ApiError {
    fn details(&self) -> Option<serde_json::Value> {
        match self {
            ApiError::Core(CoreError::Conflict { details, .. }) => details.clone(),
            ApiError::MissingScope(scope) => Some(serde_json::json!({"scope": scope.as_str()})),
            _ => None,
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, String, Vec<FieldError>) {
        match self {
            ApiError::Core(core) => core_parts(core),
            ApiError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message.clone(), Vec::new()),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "The request body is too large.".into(),
                Vec::new(),
            ),
            ApiError::FileTooLarge { limit_bytes } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "file_too_large",
                format!("The file is larger than {} MB.", limit_bytes / (1024 * 1024)),
                vec![FieldError::new(
                    "file",
                    "too_large",
                    "Upload a smaller file, or split it.",
                )],
            ),
            ApiError::RouteNotFound => (
                StatusCode::NOT_FOUND,
                "route_not_found",
                "There is no such API route.".into(),
                Vec::new(),
            ),
            ApiError::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("Too many requests. Try again in {retry_after_secs} seconds."),
                Vec::new(),
            ),
            ApiError::MissingScope(scope) => (
                StatusCode::FORBIDDEN,
                "missing_scope",
                format!("This API key lacks the `{}` scope.", scope.as_str()),
                Vec::new(),
            ),
            ApiError::SessionRequired => (
                StatusCode::FORBIDDEN,
                "session_required",
                "API keys cannot do this: sign in as an admin.".into(),
                Vec::new(),
            ),
        }
    }
}

fn core_parts(error: &CoreError) -> (StatusCode, &'static str, String, Vec<FieldError>) {
    match error {
        CoreError::Validation(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Some fields are not valid.".into(),
            errors.clone(),
        ),
        CoreError::NotFound(what) => (
            StatusCode::NOT_FOUND,
            "not_found",
            format!("No such {what}."),
            Vec::new(),
        ),
        CoreError::Forbidden => (
            StatusCode::FORBIDDEN,
            "forbidden",
            "Your role does not allow this.".into(),
            Vec::new(),
        ),
        CoreError::Conflict {
            code, message, field, ..
        } => (
            StatusCode::CONFLICT,
            code,
            message.clone(),
            field
                .map(|f| vec![FieldError::new(f, code, message.clone())])
                .unwrap_or_default(),
        ),
        CoreError::Unauthenticated(failure) => (
            StatusCode::UNAUTHORIZED,
            failure.code(),
            failure.message().into(),
            Vec::new(),
        ),
        CoreError::AccountLocked { until } => (
            StatusCode::LOCKED,
            "account_locked",
            format!(
                "Too many failed sign-ins. The account is locked until {} UTC.",
                until.format("%H:%M")
            ),
            Vec::new(),
        ),
        CoreError::InvalidOneTimeToken => (
            StatusCode::BAD_REQUEST,
            "invalid_or_expired_link",
            "This link is invalid, was already used, or has expired. Ask for a new one.".into(),
            Vec::new(),
        ),
        CoreError::Gone(message) => (StatusCode::GONE, "gone", (*message).into(), Vec::new()),
        CoreError::Email(_) => (
            StatusCode::BAD_GATEWAY,
            "email_failed",
            "The email could not be sent. Try again later.".into(),
            Vec::new(),
        ),
        CoreError::Database(sea_orm::DbErr::ConnectionAcquire(_)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            "Kite is busy right now. Try again in a moment.".into(),
            Vec::new(),
        ),
        CoreError::Database(_) | CoreError::Internal(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong on our side. Try again.".into(),
            Vec::new(),
        ),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, message, errors) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let body = ErrorBody {
            status: status.as_u16(),
            code: code.to_owned(),
            message,
            errors,
            details: self.details(),
        };
        let mut response = HttpResponse::build(status);
        response.content_type("application/problem+json");
        if let ApiError::TooManyRequests { retry_after_secs } = self {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(*retry_after_secs)));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(1)));
        }
        if let ApiError::Core(CoreError::AccountLocked { until }) = self {
            let secs = (*until - chrono::Utc::now()).num_seconds().max(1);
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        response.json(body)
    }
}

/// Malformed JSON, wrong types and unknown fields become a 400/422 in the envelope
/// instead of actix's plain-text answer.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => ApiError::PayloadTooLarge,
        JsonPayloadError::ContentType => ApiError::BadRequest {
            code: "unsupported_content_type",
            message: "Send the body as application/json.".into(),
        },
        JsonPayloadError::Deserialize(de) if de.is_data() => {
            ApiError::Core(CoreError::Validation(vec![field_error_from_serde(&de.to_string())]))
        }
        _ => ApiError::BadRequest {
            code: "malformed_json",
            message: format!("The body is not valid JSON: {err}"),
        },
    };
    api.into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::BadRequest {
        code: "invalid_query",
        message: format!("The query string is not valid: {err}"),
    }
    .into()
}

/// A path segment that cannot be an id (`/users/not-a-uuid`) names no record.
pub fn path_error(_err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::Core(CoreError::NotFound("record")).into()
}

/// serde's messages name the field in backticks (`unknown field `x``, `missing field
/// `y``, `invalid type ... at line`); pull the name out so forms can point at it.
fn field_error_from_serde(message: &str) -> FieldError {
    let field = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field") || message.starts_with("missing field"))
        .unwrap_or("body");
    let code = if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("missing field") {
        "required"
    } else {
        "invalid_type"
    };
    let clean = message.split(" at line").next().unwrap_or(message);
    FieldError::new(field, code, clean.to_owned())
}

#[cfg(test)]
mod tests {
    use super::field_error_from_serde;

    #[test]
    fn serde_messages_name_the_offending_field() {
        let e = field_error_from_serde("unknown field `colour`, expected one of `name` at line 1 column 9");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("colour", "unknown_field"));
        let e = field_error_from_serde("missing field `email` at line 1 column 2");
        assert_eq!((e.field.as_str(), e.code.as_str()), ("email", "required"));
        let e = field_error_from_serde("invalid type: integer `3`, expected a string at line 1 column 10");
        assert_eq!(e.code, "invalid_type");
    }
}
