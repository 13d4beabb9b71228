//! `/api/v1/dashboards`: each user's dashboards (a role's template on first look), and
//! the ones managers share with the organization read-only.

use crate::error::ApiError;
use crate::extract::{Auth, CheckedJson};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::analytics::dashboards::{DashboardDto, DashboardInput};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The caller's dashboards (the first made from their role's template), then the ones
/// others share.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    responses((status = 200, body = Vec<DashboardDto>), (status = 403, body = ErrorBody))
)]
#[get("/dashboards")]
pub async fn list_dashboards(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<Vec<DashboardDto>>, ApiError> {
    Ok(web::Json(state.kite.dashboards().list(&ctx).await?))
}

/// A new dashboard. Only managers and admins may share one (403).
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    request_body = DashboardInput,
    responses(
        (status = 201, body = DashboardDto),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/dashboards")]
pub async fn create_dashboard(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedJson(body): CheckedJson<DashboardInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.dashboards().create(&ctx, &body).await?))
}

/// One's own dashboard or a shared one; another user's private dashboard is 404.
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DashboardDto), (status = 404, body = ErrorBody))
)]
#[get("/dashboards/{id}")]
pub async fn get_dashboard(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<DashboardDto>, ApiError> {
    Ok(web::Json(state.kite.dashboards().get(&ctx, *id).await?))
}

/// Saves the whole dashboard: name, sharing, widgets and their places. Widgets must fit
/// the 12-column grid without overlapping (422 naming the widget). Only the owner may
/// (403 on a dashboard shared with you).
#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = DashboardInput,
    responses(
        (status = 200, body = DashboardDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/dashboards/{id}")]
pub async fn update_dashboard(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    CheckedJson(body): CheckedJson<DashboardInput>,
) -> Result<web::Json<DashboardDto>, ApiError> {
    Ok(web::Json(state.kite.dashboards().update(&ctx, *id, &body).await?))
}

#[utoipa::path(
    tag = "analytics",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/dashboards/{id}")]
pub async fn delete_dashboard(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.dashboards().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_dashboards);
    cfg.service(create_dashboard);
    cfg.service(get_dashboard);
    cfg.service(update_dashboard);
    cfg.service(delete_dashboard);
}
