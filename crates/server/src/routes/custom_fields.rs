//! `/api/v1/custom-fields`: the fields an organization adds to contacts, companies and
//! deals. Everyone who reads records reads the definitions; admins change them.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::custom_fields::{CreateCustomField, CustomFieldDto, CustomFieldQuery, UpdateCustomField};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The fields in form order, per kind of record; archived ones only when asked for.
#[utoipa::path(
    tag = "custom fields",
    security(("bearer_auth" = [])),
    params(CustomFieldQuery),
    responses((status = 200, body = Vec<CustomFieldDto>))
)]
#[get("/custom-fields")]
pub async fn list_custom_fields(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: web::Query<CustomFieldQuery>,
) -> Result<web::Json<Vec<CustomFieldDto>>, ApiError> {
    Ok(web::Json(state.kite.custom_fields().list(&ctx, &query).await?))
}

/// Adds a field (admins). Its key (made from the label unless given) and type are fixed.
#[utoipa::path(
    tag = "custom fields",
    security(("bearer_auth" = [])),
    request_body = CreateCustomField,
    responses(
        (status = 201, body = CustomFieldDto),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/custom-fields")]
pub async fn create_custom_field(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<CreateCustomField>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.custom_fields().create(&ctx, &body).await?))
}

/// Changes a field's label, options, currency or whether it is required (admins).
#[utoipa::path(
    tag = "custom fields",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = UpdateCustomField,
    responses(
        (status = 200, body = CustomFieldDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/custom-fields/{id}")]
pub async fn update_custom_field(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<UpdateCustomField>,
) -> Result<web::Json<CustomFieldDto>, ApiError> {
    Ok(web::Json(state.kite.custom_fields().update(&ctx, *id, &body).await?))
}

/// Hides a field from forms and lists; what records hold is kept.
#[utoipa::path(
    tag = "custom fields",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CustomFieldDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/custom-fields/{id}/archive")]
pub async fn archive_custom_field(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CustomFieldDto>, ApiError> {
    Ok(web::Json(
        state.kite.custom_fields().set_archived(&ctx, *id, true).await?,
    ))
}

/// Shows an archived field again.
#[utoipa::path(
    tag = "custom fields",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CustomFieldDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/custom-fields/{id}/restore")]
pub async fn restore_custom_field(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CustomFieldDto>, ApiError> {
    Ok(web::Json(
        state.kite.custom_fields().set_archived(&ctx, *id, false).await?,
    ))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_custom_fields);
    cfg.service(create_custom_field);
    cfg.service(update_custom_field);
    cfg.service(archive_custom_field);
    cfg.service(restore_custom_field);
}
