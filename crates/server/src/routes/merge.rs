//! Merging duplicate contacts and companies, and the suggestions of likely duplicates.
//! Registered before `/contacts/{id}` and `/companies/{id}`, whose id would not parse.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{get, post, web};
use kite_shared::ErrorBody;
use kite_shared::crm::companies::CompanyDto;
use kite_shared::crm::contacts::ContactDto;
use kite_shared::crm::merge::{DuplicatePair, MergeRequest};
use utoipa_actix_web::service_config::ServiceConfig;

/// Pairs of contacts that are probably one person (a shared email, or the same name at
/// the same company), oldest first within a pair.
#[utoipa::path(tag = "contacts", security(("bearer_auth" = [])), responses((status = 200, body = Vec<DuplicatePair>)))]
#[get("/contacts/duplicates")]
pub async fn contact_duplicates(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<Vec<DuplicatePair>>, ApiError> {
    Ok(web::Json(state.kite.merges().contact_duplicates(&ctx).await?))
}

/// Merges one contact into another, field by field; the survivor keeps every deal,
/// activity, note, tag and timeline entry of both (managers and admins).
#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    request_body = MergeRequest,
    responses(
        (status = 200, body = ContactDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/contacts/merge")]
pub async fn merge_contacts(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<MergeRequest>,
) -> Result<web::Json<ContactDto>, ApiError> {
    Ok(web::Json(state.kite.merges().merge_contacts(&ctx, &body).await?))
}

/// Pairs of companies that are probably one (the same domain or name).
#[utoipa::path(tag = "companies", security(("bearer_auth" = [])), responses((status = 200, body = Vec<DuplicatePair>)))]
#[get("/companies/duplicates")]
pub async fn company_duplicates(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<Vec<DuplicatePair>>, ApiError> {
    Ok(web::Json(state.kite.merges().company_duplicates(&ctx).await?))
}

/// Merges one company into another; its contacts, deals, activities, notes and tags move
/// to the survivor (managers and admins).
#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    request_body = MergeRequest,
    responses(
        (status = 200, body = CompanyDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/companies/merge")]
pub async fn merge_companies(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<MergeRequest>,
) -> Result<web::Json<CompanyDto>, ApiError> {
    Ok(web::Json(state.kite.merges().merge_companies(&ctx, &body).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(company_duplicates);
    cfg.service(merge_companies);
    cfg.service(contact_duplicates);
    cfg.service(merge_contacts);
}
