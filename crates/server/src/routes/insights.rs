//! `/api/v1/insights/*`: the lead and deal scoring models and their retraining.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, get, post, web};
use kite_insights::Insights;
use kite_shared::ErrorBody;
use kite_shared::insights::ScoreModels;
use kite_shared::jobs::JobDto;
use utoipa_actix_web::service_config::ServiceConfig;

/// The scoring models in use (one for contacts, one for open deals): how each was trained, what it measured on held-out records, its strongest weights, and the retraining under way if any.
#[utoipa::path(
    tag = "insights",
    security(("bearer_auth" = [])),
    responses((status = 200, body = ScoreModels), (status = 403, body = ErrorBody))
)]
#[get("/insights/models")]
pub async fn models(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<ScoreModels>, ApiError> {
    Ok(web::Json(Insights::new(&state.kite).models(&ctx).await?))
}

/// Retrains both models on the organization's closed deals and rescores every record (managers and admins). Answers with the job; a retraining already under way is returned instead of a second one.
#[utoipa::path(
    tag = "insights",
    security(("bearer_auth" = [])),
    responses((status = 202, body = JobDto), (status = 403, body = ErrorBody))
)]
#[post("/insights/models/train")]
pub async fn train(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<HttpResponse, ApiError> {
    let job = Insights::new(&state.kite).queue_training(&ctx).await?;
    Ok(HttpResponse::Accepted().json(job))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(models);
    cfg.service(train);
}
