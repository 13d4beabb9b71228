//! `/api/v1/companies`.

use crate::error::ApiError;
use crate::extract::{Auth, RecordListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::companies::{CompanyDto, CompanyInput, CompanyListQuery};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Companies, sorted and filtered; `total` counts every match.
#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    params(
        CompanyListQuery,
        PageQuery,
        ("cf.<key>" = Option<String>, Query, description = "A custom field's value (`cf.tier=Gold`): a text contains it, a select has the option, yes/no is `true` or `false`; `cf.<key>.min` and `cf.<key>.max` bound numbers, amounts and dates. Repeat for more fields."),
    ),
    responses((status = 200, body = Page<CompanyDto>), (status = 422, body = ErrorBody))
)]
#[get("/companies")]
pub async fn list_companies(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    RecordListQuery(query): RecordListQuery<CompanyListQuery>,
) -> Result<web::Json<Page<CompanyDto>>, ApiError> {
    Ok(web::Json(
        state.kite.companies().list(&ctx, &query.filters, &query.page).await?,
    ))
}

#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    request_body = CompanyInput,
    responses((status = 201, body = CompanyDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[post("/companies")]
pub async fn create_company(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<CompanyInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.companies().create(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CompanyDto), (status = 404, body = ErrorBody))
)]
#[get("/companies/{id}")]
pub async fn get_company(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CompanyDto>, ApiError> {
    Ok(web::Json(state.kite.companies().get(&ctx, *id).await?))
}

/// Replaces the editable fields. Reps edit only companies they own.
#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = CompanyInput,
    responses(
        (status = 200, body = CompanyDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/companies/{id}")]
pub async fn update_company(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<CompanyInput>,
) -> Result<web::Json<CompanyDto>, ApiError> {
    Ok(web::Json(state.kite.companies().update(&ctx, *id, &body).await?))
}

/// Moves the company to the trash (managers and admins).
#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/companies/{id}")]
pub async fn delete_company(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.companies().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Brings the company back from the trash (admins).
#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CompanyDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/companies/{id}/restore")]
pub async fn restore_company(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CompanyDto>, ApiError> {
    Ok(web::Json(state.kite.companies().restore(&ctx, *id).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_companies);
    cfg.service(create_company);
    cfg.service(get_company);
    cfg.service(update_company);
    cfg.service(delete_company);
    cfg.service(restore_company);
}
