use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{get, web};
use kite_shared::ErrorBody;
use kite_shared::audit::{AuditEntryDto, AuditQuery};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;

/// The organization's audit trail, newest first. Admins only.
#[utoipa::path(
    tag = "audit",
    security(("bearer_auth" = [])),
    params(AuditQuery, PageQuery),
    responses(
        (status = 200, body = Page<AuditEntryDto>),
        (status = 403, body = ErrorBody),
    )
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<AuditQuery>,
) -> Result<web::Json<Page<AuditEntryDto>>, ApiError> {
    Ok(web::Json(
        state.kite.audit().list(&ctx, &query.filters, &query.page).await?,
    ))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_audit_log);
}
