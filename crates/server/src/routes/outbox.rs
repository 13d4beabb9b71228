use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{get, web};
use kite_shared::ErrorBody;
use kite_shared::outbox::{OutboxMessageDto, OutboxQuery};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;

/// Emails kept instead of sent (no SendGrid key configured), newest first. Admins only.
#[utoipa::path(
    tag = "email",
    security(("bearer_auth" = [])),
    params(OutboxQuery, PageQuery),
    responses(
        (status = 200, body = Page<OutboxMessageDto>),
        (status = 403, body = ErrorBody),
    )
)]
#[get("/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<OutboxQuery>,
) -> Result<web::Json<Page<OutboxMessageDto>>, ApiError> {
    Ok(web::Json(
        state.kite.outbox().list(&ctx, &query.filters, &query.page).await?,
    ))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_outbox);
}
