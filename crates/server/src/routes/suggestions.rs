//! `/api/v1/suggestions`: next best actions, and what the user does with them.

use crate::error::ApiError;
use crate::extract::{Auth, CheckedJson, CheckedQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use kite_insights::suggestions::SuggestionService;
use kite_shared::ErrorBody;
use kite_shared::assistant::suggestions::{SuggestionDecision, SuggestionQuery, Suggestions};
use kite_shared::crm::activities::ActivityDto;
use utoipa_actix_web::service_config::ServiceConfig;

/// The signed-in user's next best actions across their deals, contacts, tasks and approvals (each record's most urgent one), or all of one deal's or contact's; highest priority first, without those they dismissed or snoozed.
#[utoipa::path(
    tag = "assistant",
    security(("bearer_auth" = [])),
    params(SuggestionQuery),
    responses((status = 200, body = Suggestions), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/suggestions")]
pub async fn list(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedQuery(query): CheckedQuery<SuggestionQuery>,
) -> Result<web::Json<Suggestions>, ApiError> {
    Ok(web::Json(SuggestionService::new(&state.kite).list(&ctx, &query).await?))
}

/// Hides the suggestion from this user for good; a new situation on the same record (a new close date, a new stage) is suggested afresh.
#[utoipa::path(
    tag = "assistant",
    security(("bearer_auth" = [])),
    request_body = SuggestionDecision,
    responses((status = 204), (status = 422, body = ErrorBody))
)]
#[post("/suggestions/dismiss")]
pub async fn dismiss(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedJson(body): CheckedJson<SuggestionDecision>,
) -> Result<HttpResponse, ApiError> {
    SuggestionService::new(&state.kite).dismiss(&ctx, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Hides the suggestion from this user for `days` days (1–90).
#[utoipa::path(
    tag = "assistant",
    security(("bearer_auth" = [])),
    request_body = SuggestionDecision,
    responses((status = 204), (status = 422, body = ErrorBody))
)]
#[post("/suggestions/snooze")]
pub async fn snooze(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedJson(body): CheckedJson<SuggestionDecision>,
) -> Result<HttpResponse, ApiError> {
    SuggestionService::new(&state.kite).snooze(&ctx, &body).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Creates the task a suggestion proposes (assigned to the signed-in user, linked to the record, due tomorrow at 9:00 UTC) and remembers the suggestion as done. 404 when the suggestion no longer stands.
#[utoipa::path(
    tag = "assistant",
    security(("bearer_auth" = [])),
    request_body = SuggestionDecision,
    responses(
        (status = 201, body = ActivityDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/suggestions/task")]
pub async fn create_task(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    CheckedJson(body): CheckedJson<SuggestionDecision>,
) -> Result<HttpResponse, ApiError> {
    let task = SuggestionService::new(&state.kite).create_task(&ctx, &body).await?;
    Ok(HttpResponse::Created().json(task))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list);
    cfg.service(dismiss);
    cfg.service(snooze);
    cfg.service(create_task);
}
