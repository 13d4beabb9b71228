//! `/api/v1/api-keys`: admins create, list and revoke the organization's API keys.
//! Only a signed-in admin may: an API key cannot manage keys.

use crate::error::ApiError;
use crate::extract::{Auth, CheckedJson};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use kite_shared::ErrorBody;
use kite_shared::integrations::api_keys::{ApiKeyDto, CreateApiKeyRequest, CreatedApiKey};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Every key of the organization, revoked and expired ones included, newest first.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    responses((status = 200, body = Vec<ApiKeyDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
#[get("/api-keys")]
pub async fn list_api_keys(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<Vec<ApiKeyDto>>, ApiError> {
    Ok(web::Json(state.kite.api_keys().list(&ctx).await?))
}

/// Creates a key. The answer holds its secret, which is never shown again.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    request_body = CreateApiKeyRequest,
    responses(
        (status = 201, body = CreatedApiKey),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/api-keys")]
pub async fn create_api_key(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: CheckedJson<CreateApiKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.api_keys().create(&ctx, &body.0).await?))
}

/// Revokes a key at once; it stays listed, marked revoked.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ApiKeyDto),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
#[post("/api-keys/{id}/revoke")]
pub async fn revoke_api_key(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApiKeyDto>, ApiError> {
    Ok(web::Json(state.kite.api_keys().revoke(&ctx, *id).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_api_keys);
    cfg.service(create_api_key);
    cfg.service(revoke_api_key);
}
