//! `/api/v1/auth/*`: the routes that work without a session. They sit behind the strict
//! per-IP rate limit.

use crate::error::ApiError;
use crate::extract::Client;
use crate::state::AppState;
use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder, post, web};
use kite_core::{AuthFailure, CoreError};
use kite_shared::ErrorBody;
use kite_shared::auth::{
    AuthResponse, LoginRequest, PasswordResetRequest, RefreshRequest, SetPasswordWithTokenRequest, SignupRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;

/// The SPA's refresh token lives in this HttpOnly cookie, out of reach of scripts.
pub const REFRESH_COOKIE: &str = "kite_refresh";
const COOKIE_PATH: &str = "/api/v1/auth";

/// Creates an organization and its first admin, and signs the admin in.
#[utoipa::path(
    tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 201, body = AuthResponse),
        (status = 409, description = "The email already has an account", body = ErrorBody),
        (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody),
    )
)]
#[post("/signup")]
pub async fn signup(
    state: web::Data<AppState>,
    req: HttpRequest,
    Client(client): Client,
    body: web::Json<SignupRequest>,
) -> Result<HttpResponse, ApiError> {
    let auth = state.kite.auth().signup(&body, &client).await?;
    Ok(with_session(HttpResponse::Created(), &req, &state, auth))
}

/// Signs in with email and password. Also sets the refresh token as an HttpOnly cookie.
/// After repeated failures the account is locked for a while (423, `account_locked`).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, description = "`invalid_credentials` or `account_inactive`", body = ErrorBody),
        (status = 423, description = "`account_locked`", body = ErrorBody),
        (status = 429, body = ErrorBody),
    )
)]
#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    Client(client): Client,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let auth = state.kite.auth().login(&body, &client).await?;
    Ok(with_session(HttpResponse::Ok(), &req, &state, auth))
}

/// Trades a refresh token (from the body or the cookie) for a new pair. Each token works
/// once; presenting a used one ends the whole session (`refresh_token_reused`).
#[utoipa::path(
    tag = "auth",
    request_body(content = RefreshRequest, description = "Optional when the cookie is sent"),
    responses(
        (status = 200, body = AuthResponse),
        (status = 401, body = ErrorBody),
    )
)]
#[post("/refresh")]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    Client(client): Client,
    body: Option<web::Json<RefreshRequest>>,
) -> Result<HttpResponse, ApiError> {
    let token = presented_refresh_token(&req, body.map(web::Json::into_inner)).ok_or(ApiError::Core(
        CoreError::Unauthenticated(AuthFailure::InvalidRefreshToken),
    ))?;
    let auth = state.kite.auth().refresh(&token, &client).await?;
    Ok(with_session(HttpResponse::Ok(), &req, &state, auth))
}

/// Ends the session of the refresh token (from the body or the cookie) and clears the cookie.
#[utoipa::path(
    tag = "auth",
    request_body(content = RefreshRequest, description = "Optional when the cookie is sent"),
    responses((status = 204, description = "Signed out"))
)]
#[post("/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    Client(client): Client,
    body: Option<web::Json<RefreshRequest>>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = presented_refresh_token(&req, body.map(web::Json::into_inner)) {
        state.kite.auth().logout(&token, &client).await?;
    }
    let mut gone = session_cookie(&req, &state, String::new(), time::Duration::ZERO);
    gone.make_removal();
    Ok(HttpResponse::NoContent().cookie(gone).finish())
}

/// Emails a one-time reset link. Answers 202 whether or not the email has an account.
#[utoipa::path(
    tag = "auth",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, description = "If the account exists, an email is on its way"),
        (status = 422, body = ErrorBody),
        (status = 429, body = ErrorBody),
    )
)]
#[post("/password-reset/request")]
pub async fn request_password_reset(
    state: web::Data<AppState>,
    Client(client): Client,
    body: web::Json<PasswordResetRequest>,
) -> Result<HttpResponse, ApiError> {
    state.kite.auth().request_password_reset(&body, &client).await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Sets a new password with the emailed token; every session of the user ends.
#[utoipa::path(
    tag = "auth",
    request_body = SetPasswordWithTokenRequest,
    responses(
        (status = 204, description = "Password changed"),
        (status = 400, description = "`invalid_or_expired_link`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/password-reset/confirm")]
pub async fn confirm_password_reset(
    state: web::Data<AppState>,
    Client(client): Client,
    body: web::Json<SetPasswordWithTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    state.kite.auth().confirm_password_reset(&body, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An invited user sets a password with the emailed token and is signed in.
#[utoipa::path(
    tag = "auth",
    request_body = SetPasswordWithTokenRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 400, description = "`invalid_or_expired_link`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/accept-invitation")]
pub async fn accept_invitation(
    state: web::Data<AppState>,
    req: HttpRequest,
    Client(client): Client,
    body: web::Json<SetPasswordWithTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let auth = state.kite.auth().accept_invitation(&body, &client).await?;
    Ok(with_session(HttpResponse::Ok(), &req, &state, auth))
}

fn presented_refresh_token(req: &HttpRequest, body: Option<RefreshRequest>) -> Option<String> {
    body.and_then(|b| b.refresh_token)
        .filter(|t| !t.is_empty())
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|t| !t.is_empty())
}

pub(crate) fn with_session(
    mut builder: HttpResponseBuilder,
    req: &HttpRequest,
    state: &AppState,
    auth: AuthResponse,
) -> HttpResponse {
    let max_age = time::Duration::seconds(state.kite.settings.refresh_token_ttl.num_seconds());
    builder
        .cookie(session_cookie(req, state, auth.refresh_token.clone(), max_age))
        .json(auth)
}

fn session_cookie(req: &HttpRequest, state: &AppState, value: String, max_age: time::Duration) -> Cookie<'static> {
    // Behind a TLS-terminating proxy the connection itself may be plain http.
    let https = state.kite.settings.public_url.starts_with("https://") || req.connection_info().scheme() == "https";
    Cookie::build(REFRESH_COOKIE, value)
        .path(COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(https)
        .max_age(max_age)
        .finish()
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(signup);
    cfg.service(login);
    cfg.service(refresh);
    cfg.service(logout);
    cfg.service(request_password_reset);
    cfg.service(confirm_password_reset);
    cfg.service(accept_invitation);
}
