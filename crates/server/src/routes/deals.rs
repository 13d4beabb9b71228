//! `/api/v1/deals`.

use crate::error::ApiError;
use crate::extract::{Auth, RecordListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::deals::{DealDto, DealInput, DealListQuery, MoveDealRequest, StageChangeDto};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Creates a deal, by default in the first stage of the default pipeline.
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    request_body = DealInput,
    responses((status = 201, body = DealDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[post("/deals")]
pub async fn create_deal(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<DealInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.deals().create(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DealDto), (status = 404, body = ErrorBody))
)]
#[get("/deals/{id}")]
pub async fn get_deal(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<DealDto>, ApiError> {
    Ok(web::Json(state.kite.deals().get(&ctx, *id).await?))
}

/// Replaces the editable fields; a new `stage_id` moves the deal and is kept in its history.
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = DealInput,
    responses(
        (status = 200, body = DealDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/deals/{id}")]
pub async fn update_deal(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<DealInput>,
) -> Result<web::Json<DealDto>, ApiError> {
    Ok(web::Json(state.kite.deals().update(&ctx, *id, &body).await?))
}

/// Drag and drop: moves the deal to a stage and a place in its column. Into a lost stage
/// it needs `lost_reason`.
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = MoveDealRequest,
    responses(
        (status = 200, body = DealDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/deals/{id}/move")]
pub async fn move_deal(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<MoveDealRequest>,
) -> Result<web::Json<DealDto>, ApiError> {
    Ok(web::Json(state.kite.deals().move_to(&ctx, *id, &body).await?))
}

/// Every stage change of the deal, oldest first.
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<StageChangeDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/deals/{id}/history")]
pub async fn deal_history(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<StageChangeDto>>, ApiError> {
    Ok(web::Json(state.kite.deals().history(&ctx, *id, &page).await?))
}

/// Moves the deal to the trash (managers and admins).
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/deals/{id}")]
pub async fn delete_deal(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.deals().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deals as a table. In a list, `contact_ids` is left empty; the deal's page has them.
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(
        DealListQuery,
        PageQuery,
        ("cf.<key>" = Option<String>, Query, description = "A custom field's value (`cf.tier=Gold`): a text contains it, a select has the option, yes/no is `true` or `false`; `cf.<key>.min` and `cf.<key>.max` bound numbers, amounts and dates. Repeat for more fields."),
    ),
    responses((status = 200, body = Page<DealDto>), (status = 422, body = ErrorBody))
)]
#[get("/deals")]
pub async fn list_deals(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    RecordListQuery(query): RecordListQuery<DealListQuery>,
) -> Result<web::Json<Page<DealDto>>, ApiError> {
    Ok(web::Json(
        state.kite.deals().list(&ctx, &query.filters, &query.page).await?,
    ))
}

/// Brings the deal back from the trash (admins).
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DealDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/deals/{id}/restore")]
pub async fn restore_deal(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<DealDto>, ApiError> {
    Ok(web::Json(state.kite.deals().restore(&ctx, *id).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_deals);
    cfg.service(create_deal);
    cfg.service(get_deal);
    cfg.service(update_deal);
    cfg.service(move_deal);
    cfg.service(deal_history);
    cfg.service(delete_deal);
    cfg.service(restore_deal);
}
