//! `GET /api/v1/{contacts,companies,deals}/export`: a list with its filters and sort as
//! a CSV (streamed) or XLSX file. Registered before `/{kind}/{id}`.

use crate::error::{ApiError, query_error};
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use futures_util::StreamExt;
use kite_core::crm::custom_fields::filters::split_query;
use kite_core::exports::{ExportQuery, ExportService};
use kite_core::{CoreError, Ctx};
use kite_shared::ErrorBody;
use kite_shared::crm::companies::CompanyListQuery;
use kite_shared::crm::contacts::ContactListQuery;
use kite_shared::crm::custom_values::CustomFiltered;
use kite_shared::crm::deals::DealListQuery;
use std::sync::Arc;
use utoipa_actix_web::service_config::ServiceConfig;

/// The query string without `format`, and the format asked for.
fn split_format(req: &HttpRequest) -> Result<(String, &'static str), ApiError> {
    let mut format = "csv";
    let mut rest = Vec::new();
    for pair in req.query_string().split('&').filter(|p| !p.is_empty()) {
        match pair.strip_prefix("format=") {
            Some("csv") => format = "csv",
            Some("xlsx") => format = "xlsx",
            Some(_) => {
                return Err(CoreError::field("format", "invalid_format", "Choose csv or xlsx.").into());
            }
            None => rest.push(pair),
        }
    }
    Ok((rest.join("&"), format))
}

async fn export(
    state: web::Data<AppState>,
    ctx: Ctx,
    query: ExportQuery,
    format: &'static str,
) -> Result<HttpResponse, ApiError> {
    let kite = state.kite.clone();
    kite.exports().start(&ctx, &query, format).await?;
    let file_name = format!("{}-{}.{format}", query.name(), chrono::Utc::now().format("%Y-%m-%d"));
    let disposition = ("Content-Disposition", format!("attachment; filename=\"{file_name}\""));
    if format == "xlsx" {
        let (bytes, _) = kite.exports().xlsx(&ctx, &query).await?;
        return Ok(HttpResponse::Ok()
            .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .insert_header(disposition)
            .body(bytes));
    }
    // The first page is read before answering, so a bad filter is a 422, not a broken
    // download; the rest follows page by page (each after the cursor of the one before)
    // and never sits whole in memory.
    let (first, next) = kite.exports().rows(&ctx, &query, None).await?;
    let headers = kite.exports().headers(&ctx, &query).await?;
    let first = ExportService::csv_chunk(Some(&headers), &first)?;
    let query = Arc::new(query);
    let rest = futures_util::stream::unfold(next, move |cursor| {
        let (kite, ctx, query) = (kite.clone(), ctx.clone(), query.clone());
        async move {
            let cursor = cursor?;
            let (rows, next) = match kite.exports().rows(&ctx, &query, Some(cursor)).await {
                Ok(page) => page,
                Err(error) => {
                    tracing::error!(%error, "export stopped");
                    return Some((Err(actix_web::error::ErrorInternalServerError("export failed")), None));
                }
            };
            match ExportService::csv_chunk(None, &rows) {
                Ok(chunk) => Some((Ok(Bytes::from(chunk)), next)),
                Err(_) => Some((Err(actix_web::error::ErrorInternalServerError("export failed")), None)),
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(disposition)
        .streaming(futures_util::stream::once(async { Ok(Bytes::from(first)) }).chain(rest)))
}

/// Contacts matching the list's filters, in its sort, as `format=csv` (default) or
/// `xlsx`. Formula-like cells are escaped.
#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    params(ContactListQuery, ("format" = Option<String>, Query, description = "csv or xlsx")),
    responses((status = 200, content_type = "text/csv"), (status = 422, body = ErrorBody))
)]
#[get("/contacts/export")]
pub async fn export_contacts(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    req: HttpRequest,
) -> Result<HttpResponse, actix_web::Error> {
    let (rest, format) = split_format(&req)?;
    let (rest, custom) = split_query(&rest);
    let query = web::Query::<ContactListQuery>::from_query(&rest).map_err(|e| query_error(e, &req))?;
    let query = query.into_inner().with_custom_filters(custom);
    Ok(export(state, ctx, ExportQuery::Contacts(query), format).await?)
}

/// Companies matching the list's filters, as CSV or XLSX.
#[utoipa::path(
    tag = "companies",
    security(("bearer_auth" = [])),
    params(CompanyListQuery, ("format" = Option<String>, Query, description = "csv or xlsx")),
    responses((status = 200, content_type = "text/csv"), (status = 422, body = ErrorBody))
)]
#[get("/companies/export")]
pub async fn export_companies(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    req: HttpRequest,
) -> Result<HttpResponse, actix_web::Error> {
    let (rest, format) = split_format(&req)?;
    let (rest, custom) = split_query(&rest);
    let query = web::Query::<CompanyListQuery>::from_query(&rest).map_err(|e| query_error(e, &req))?;
    let query = query.into_inner().with_custom_filters(custom);
    Ok(export(state, ctx, ExportQuery::Companies(query), format).await?)
}

/// Deals matching the list's filters, as CSV or XLSX.
#[utoipa::path(
    tag = "deals",
    security(("bearer_auth" = [])),
    params(DealListQuery, ("format" = Option<String>, Query, description = "csv or xlsx")),
    responses((status = 200, content_type = "text/csv"), (status = 422, body = ErrorBody))
)]
#[get("/deals/export")]
pub async fn export_deals(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    req: HttpRequest,
) -> Result<HttpResponse, actix_web::Error> {
    let (rest, format) = split_format(&req)?;
    let (rest, custom) = split_query(&rest);
    let query = web::Query::<DealListQuery>::from_query(&rest).map_err(|e| query_error(e, &req))?;
    let query = query.into_inner().with_custom_filters(custom);
    Ok(export(state, ctx, ExportQuery::Deals(query), format).await?)
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(export_contacts);
    cfg.service(export_companies);
    cfg.service(export_deals);
}
