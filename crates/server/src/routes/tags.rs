//! `/api/v1/tags`: the organization's tags. Records get tags through their own `tags`
//! field and the bulk actions.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::tags::{TagDto, TagInput};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Every tag by name, with how many records carry it.
#[utoipa::path(tag = "tags", security(("bearer_auth" = [])), responses((status = 200, body = Vec<TagDto>)))]
#[get("/tags")]
pub async fn list_tags(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<Vec<TagDto>>, ApiError> {
    Ok(web::Json(state.kite.tags().list(&ctx).await?))
}

#[utoipa::path(
    tag = "tags",
    security(("bearer_auth" = [])),
    request_body = TagInput,
    responses((status = 201, body = TagDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[post("/tags")]
pub async fn create_tag(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<TagInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.tags().create(&ctx, &body).await?))
}

/// Renames or recolours a tag on every record (managers and admins).
#[utoipa::path(
    tag = "tags",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = TagInput,
    responses(
        (status = 200, body = TagDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/tags/{id}")]
pub async fn update_tag(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<TagInput>,
) -> Result<web::Json<TagDto>, ApiError> {
    Ok(web::Json(state.kite.tags().update(&ctx, *id, &body).await?))
}

/// Deletes a tag and takes it off every record (managers and admins).
#[utoipa::path(
    tag = "tags",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/tags/{id}")]
pub async fn delete_tag(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.tags().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_tags);
    cfg.service(create_tag);
    cfg.service(update_tag);
    cfg.service(delete_tag);
}
