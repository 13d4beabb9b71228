//! `/api/v1/pipelines`, the board, and the search box.

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use kite_shared::ErrorBody;
use kite_shared::crm::DemoReport;
use kite_shared::crm::deals::{Board, BoardQuery};
use kite_shared::crm::pipelines::{PipelineDto, PipelineInput};
use kite_shared::crm::search::{SearchHit, SearchQuery};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Every pipeline with its stages in board order.
#[utoipa::path(tag = "pipelines", security(("bearer_auth" = [])), responses((status = 200, body = Vec<PipelineDto>)))]
#[get("/pipelines")]
pub async fn list_pipelines(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<Vec<PipelineDto>>, ApiError> {
    Ok(web::Json(state.kite.pipelines().list(&ctx).await?))
}

/// Creates a pipeline; won and lost stages are added after the given open stages.
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    request_body = PipelineInput,
    responses((status = 201, body = PipelineDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[post("/pipelines")]
pub async fn create_pipeline(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<PipelineInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.pipelines().create(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PipelineDto), (status = 404, body = ErrorBody))
)]
#[get("/pipelines/{id}")]
pub async fn get_pipeline(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<PipelineDto>, ApiError> {
    Ok(web::Json(state.kite.pipelines().get(&ctx, *id).await?))
}

/// The board of a pipeline (the default one unless `pipeline_id` is given): its open
/// stages with their first cards, counts and totals per currency.
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(BoardQuery),
    responses((status = 200, body = Board), (status = 404, body = ErrorBody))
)]
#[get("/board")]
pub async fn board(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: web::Query<BoardQuery>,
) -> Result<web::Json<Board>, ApiError> {
    Ok(web::Json(state.kite.board().load(&ctx, &query).await?))
}

/// The search box: contacts, companies and deals whose names, emails, domains, phones
/// or titles start with `q`; contacts first, then companies, then deals. Unlike other
/// lists it counts its hits only with `total=true`.
#[utoipa::path(
    tag = "search",
    security(("bearer_auth" = [])),
    params(SearchQuery, PageQuery),
    responses((status = 200, body = Page<SearchHit>), (status = 422, body = ErrorBody))
)]
#[get("/search")]
pub async fn search(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<SearchQuery>,
) -> Result<web::Json<Page<SearchHit>>, ApiError> {
    Ok(web::Json(
        state.kite.search().search(&ctx, &query.filters, &query.page).await?,
    ))
}

/// Fills an organization without records with a believable demo: companies, contacts,
/// deals across the pipeline with their history, and activities. Admins only.
#[utoipa::path(
    tag = "pipelines",
    security(("bearer_auth" = [])),
    responses(
        (status = 201, body = DemoReport),
        (status = 403, body = ErrorBody),
        (status = 409, description = "`not_empty`", body = ErrorBody),
    )
)]
#[post("/demo-data")]
pub async fn load_demo_data(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<HttpResponse, ApiError> {
    let report = state.kite.demo().load(&ctx).await?;
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    Ok(HttpResponse::Created().json(DemoReport {
        companies: count(report.companies),
        contacts: count(report.contacts),
        deals: count(report.deals),
        activities: count(report.activities),
    }))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_pipelines);
    cfg.service(create_pipeline);
    cfg.service(get_pipeline);
    cfg.service(board);
    cfg.service(search);
    cfg.service(load_demo_data);
}
