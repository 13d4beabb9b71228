//! `/api/v1/jobs`: background work as the user sees it.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{get, post, web};
use kite_shared::ErrorBody;
use kite_shared::jobs::JobDto;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// A job's status, progress and result.
#[utoipa::path(
    tag = "jobs",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = JobDto), (status = 404, body = ErrorBody))
)]
#[get("/jobs/{id}")]
pub async fn get_job(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobDto>, ApiError> {
    Ok(web::Json(state.kite.jobs().get(&ctx, *id).await?))
}

/// Cancels a queued job at once, or asks a running one to stop at its next checkpoint
/// (its creator, managers and admins).
#[utoipa::path(
    tag = "jobs",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = JobDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/jobs/{id}/cancel")]
pub async fn cancel_job(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobDto>, ApiError> {
    Ok(web::Json(state.kite.jobs().cancel(&ctx, *id).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_job);
    cfg.service(cancel_job);
}
