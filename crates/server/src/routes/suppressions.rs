//! `/api/v1/suppressions`: addresses the organization never emails.

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use kite_shared::ErrorBody;
use kite_shared::marketing::suppressions::{SuppressionDto, SuppressionInput, SuppressionQuery};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Newest first.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(SuppressionQuery, PageQuery),
    responses((status = 200, body = Page<SuppressionDto>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/suppressions")]
pub async fn list_suppressions(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<SuppressionQuery>,
) -> Result<web::Json<Page<SuppressionDto>>, ApiError> {
    Ok(web::Json(
        state
            .kite
            .marketing()
            .list_suppressions(&ctx, &query.filters, &query.page)
            .await?,
    ))
}

/// Adds an address by hand; one already listed is 409.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    request_body = SuppressionInput,
    responses(
        (status = 201, body = SuppressionDto),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/suppressions")]
pub async fn add_suppression(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<SuppressionInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.marketing().add_suppression(&ctx, &body).await?))
}

/// The address may be emailed again.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/suppressions/{id}")]
pub async fn remove_suppression(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.marketing().remove_suppression(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_suppressions);
    cfg.service(add_suppression);
    cfg.service(remove_suppression);
}
