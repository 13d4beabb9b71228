use crate::error::ApiError;
use crate::extract::{Auth, Client};
use crate::routes::auth::with_session;
use crate::state::AppState;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use kite_shared::ErrorBody;
use kite_shared::auth::{AuthResponse, ChangePasswordRequest, MeResponse, UpdateProfileRequest};
use utoipa_actix_web::service_config::ServiceConfig;

/// The signed-in user, their organization and what their role allows.
#[utoipa::path(
    tag = "auth",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = MeResponse),
        (status = 401, body = ErrorBody),
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<MeResponse>, ApiError> {
    Ok(web::Json(state.kite.auth().me(&ctx).await?))
}

/// Changes the signed-in user's own name.
#[utoipa::path(
    tag = "auth",
    security(("bearer_auth" = [])),
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, body = MeResponse),
        (status = 422, body = ErrorBody),
    )
)]
#[patch("/me")]
pub async fn update_profile(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<UpdateProfileRequest>,
) -> Result<web::Json<MeResponse>, ApiError> {
    Ok(web::Json(state.kite.auth().update_profile(&ctx, &body).await?))
}

/// Changes the signed-in user's password. Every session ends; a new one is returned.
#[utoipa::path(
    tag = "auth",
    security(("bearer_auth" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, body = AuthResponse),
        (status = 422, description = "`wrong_password` on `current_password`, or an invalid new password", body = ErrorBody),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(ctx): Auth,
    Client(client): Client,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let auth = state.kite.auth().change_password(&ctx, &body, &client).await?;
    Ok(with_session(HttpResponse::Ok(), &req, &state, auth))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me);
    cfg.service(update_profile);
    cfg.service(change_password);
}
