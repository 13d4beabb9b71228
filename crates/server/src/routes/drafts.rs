//! `/api/v1/drafts`: "Draft with AI" for the email composer and the template editor.

use crate::error::ApiError;
use crate::extract::{Auth, CheckedJson};
use crate::state::AppState;
use actix_web::{get, post, web};
use kite_shared::ErrorBody;
use kite_shared::assistant::drafts::{Draft, DraftInput, WriterStatus};
use utoipa_actix_web::service_config::ServiceConfig;

/// Writes an email's subject and HTML body for a contact and/or a deal (neither, for a template) from a short intent. The configured model writes it while the organization's monthly allowance lasts; otherwise, or when the model is slow, failing or answers something unusable, the built-in writer does and `notice` says why. Names stay template variables. Only the contact's name, title and lifecycle stage, the company's name and industry, the deal's title, stage, value and expected close, the titles of the record's last five timeline entries, the sender's and the organization's names and the intent are sent to the model.
#[utoipa::path(
    tag = "assistant",
    security(("bearer_auth" = [])),
    request_body = DraftInput,
    responses(
        (status = 200, body = Draft),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/drafts")]
pub async fn draft(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedJson(input): CheckedJson<DraftInput>,
) -> Result<web::Json<Draft>, ApiError> {
    Ok(web::Json(state.drafter.draft(&state.kite, &ctx, &input).await?))
}

/// Who writes the organization's drafts (the configured model or the built-in writer) and how many AI requests are left this month.
#[utoipa::path(
    tag = "assistant",
    security(("bearer_auth" = [])),
    responses((status = 200, body = WriterStatus))
)]
#[get("/drafts/writer")]
pub async fn writer(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<WriterStatus>, ApiError> {
    Ok(web::Json(state.drafter.status(&state.kite, &ctx).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(writer);
    cfg.service(draft);
}
