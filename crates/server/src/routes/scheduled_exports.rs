//! `/api/v1/scheduled-exports`: exports that run on a schedule and are emailed, their
//! runs, and the runs' files (kept 30 days). Managers and admins.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::jobs::JobStarted;
use kite_shared::page::{Page, PageQuery};
use kite_shared::scheduled_exports::{ExportRunDto, ScheduledExportDto, ScheduledExportInput};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The organization's scheduled exports, by name.
#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = Page<ScheduledExportDto>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/scheduled-exports")]
pub async fn list_scheduled_exports(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<ScheduledExportDto>>, ApiError> {
    Ok(web::Json(state.kite.scheduled_exports().list(&ctx, &page).await?))
}

/// Schedules an export: the list and its filters (as the list's query string), the
/// format, when (daily/weekly/monthly at a time in a time zone, or cron) and to whom.
#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    request_body = ScheduledExportInput,
    responses(
        (status = 201, body = ScheduledExportDto),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/scheduled-exports")]
pub async fn create_scheduled_export(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<ScheduledExportInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.scheduled_exports().create(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ScheduledExportDto), (status = 404, body = ErrorBody))
)]
#[get("/scheduled-exports/{id}")]
pub async fn get_scheduled_export(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ScheduledExportDto>, ApiError> {
    Ok(web::Json(state.kite.scheduled_exports().get(&ctx, *id).await?))
}

#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = ScheduledExportInput,
    responses(
        (status = 200, body = ScheduledExportDto),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/scheduled-exports/{id}")]
pub async fn update_scheduled_export(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<ScheduledExportInput>,
) -> Result<web::Json<ScheduledExportDto>, ApiError> {
    Ok(web::Json(
        state.kite.scheduled_exports().update(&ctx, *id, &body).await?,
    ))
}

/// Stops and removes the schedule; past runs stay downloadable until they expire.
#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody))
)]
#[delete("/scheduled-exports/{id}")]
pub async fn delete_scheduled_export(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.scheduled_exports().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs the export now (and emails it), outside its schedule.
#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 202, body = JobStarted), (status = 404, body = ErrorBody))
)]
#[post("/scheduled-exports/{id}/run")]
pub async fn run_scheduled_export(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let job_id = state.kite.scheduled_exports().run_now(&ctx, *id).await?;
    Ok(HttpResponse::Accepted().json(JobStarted { job_id }))
}

/// The export's runs, newest first.
#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<ExportRunDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/scheduled-exports/{id}/runs")]
pub async fn list_export_runs(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<ExportRunDto>>, ApiError> {
    Ok(web::Json(state.kite.scheduled_exports().runs(&ctx, *id, &page).await?))
}

/// A run's file, for 30 days after the run (410 after).
#[utoipa::path(
    tag = "exports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, content_type = "application/octet-stream"),
        (status = 404, body = ErrorBody),
        (status = 410, body = ErrorBody),
    )
)]
#[get("/export-runs/{id}/file")]
pub async fn export_run_file(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (bytes, name) = state.kite.scheduled_exports().run_file(&ctx, *id).await?;
    let content_type = if name.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{name}\"")))
        .body(bytes))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_scheduled_exports);
    cfg.service(create_scheduled_export);
    cfg.service(get_scheduled_export);
    cfg.service(update_scheduled_export);
    cfg.service(delete_scheduled_export);
    cfg.service(run_scheduled_export);
    cfg.service(list_export_runs);
    cfg.service(export_run_file);
}
