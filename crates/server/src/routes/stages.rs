//! Pipeline settings: renaming and deleting pipelines, and adding, renaming, reordering
//! and deleting their stages (managers and admins).

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::pipelines::{DeleteStageQuery, PipelineDto, PipelineUpdate, StageInput, StageOrder};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Renames a pipeline, or makes it the default one.
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = PipelineUpdate,
    responses(
        (status = 200, body = PipelineDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/pipelines/{id}")]
pub async fn update_pipeline(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<PipelineUpdate>,
) -> Result<web::Json<PipelineDto>, ApiError> {
    Ok(web::Json(state.kite.stages().update_pipeline(&ctx, *id, &body).await?))
}

/// Deletes a pipeline no deal belongs to (not the default one).
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 204),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[delete("/pipelines/{id}")]
pub async fn delete_pipeline(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.stages().delete_pipeline(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Adds an open stage after the others (before won and lost).
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = StageInput,
    responses(
        (status = 201, body = PipelineDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/pipelines/{id}/stages")]
pub async fn add_stage(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<StageInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.stages().add_stage(&ctx, *id, &body).await?))
}

/// Puts the open stages in a new order; won and lost stay last.
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = StageOrder,
    responses(
        (status = 200, body = PipelineDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/pipelines/{id}/stage-order")]
pub async fn reorder_stages(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<StageOrder>,
) -> Result<web::Json<PipelineDto>, ApiError> {
    Ok(web::Json(state.kite.stages().reorder(&ctx, *id, &body).await?))
}

/// Renames a stage or changes its default win probability.
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = StageInput,
    responses(
        (status = 200, body = PipelineDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/stages/{id}")]
pub async fn update_stage(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<StageInput>,
) -> Result<web::Json<PipelineDto>, ApiError> {
    Ok(web::Json(state.kite.stages().update_stage(&ctx, *id, &body).await?))
}

/// Deletes an open stage. When it holds deals, `move_deals_to` names the stage they move
/// to (each move is kept in the deal's stage history); without it the answer is 409.
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path), DeleteStageQuery),
    responses(
        (status = 200, body = PipelineDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[delete("/stages/{id}")]
pub async fn delete_stage(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    query: web::Query<DeleteStageQuery>,
) -> Result<web::Json<PipelineDto>, ApiError> {
    Ok(web::Json(state.kite.stages().delete_stage(&ctx, *id, &query).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(update_pipeline);
    cfg.service(delete_pipeline);
    cfg.service(add_stage);
    cfg.service(reorder_stages);
    cfg.service(update_stage);
    cfg.service(delete_stage);
}
