use crate::error::ApiError;
use crate::extract::Auth;
use crate::startup::AppState;
use actix_web::{get, web};
use kite_shared::ErrorBody;
use kite_shared::outbox::{OutboxMessageDto, OutboxQuery};
use kite_shared::page::Page;

/// Emails kept instead of sent (no SendGrid key configured), newest first. Admins only.
#[utoipa::path(
    tag = "email",
    security(("bearer_auth" = [])),
    params(OutboxQuery),
    responses(
        (status = 200, body = Page<OutboxMessageDto>),
        (status = 403, body = ErrorBody),
    )
)]
#[get("/outbox")]
pub async fn list_outbox(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: web::Query<OutboxQuery>,
) -> Result<web::Json<Page<OutboxMessageDto>>, ApiError> {
    Ok(web::Json(state.kite.outbox().list(&ctx, &query).await?))
}
