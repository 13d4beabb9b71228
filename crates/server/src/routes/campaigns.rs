//! `/api/v1/campaigns`: a template sent to an audience, throttled, with its report.
//! Managers and admins create and send campaigns; everyone reads them.

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::marketing::campaigns::{
    Audience, AudienceCount, CampaignDto, CampaignInput, CampaignReport, RecipientDto, RecipientQuery,
};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Newest first.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<CampaignDto>), (status = 403, body = ErrorBody))
)]
#[get("/campaigns")]
pub async fn list_campaigns(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<CampaignDto>>, ApiError> {
    Ok(web::Json(state.kite.marketing().list_campaigns(&ctx, &page).await?))
}

/// A draft (or, with `scheduled_at`, a scheduled campaign that starts by itself).
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    request_body = CampaignInput,
    responses(
        (status = 201, body = CampaignDto),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<CampaignInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.marketing().create_campaign(&ctx, &body).await?))
}

/// Who an audience reaches today, and who it leaves out and why.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    request_body = Audience,
    responses(
        (status = 200, body = AudienceCount),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/campaigns/audience-count")]
pub async fn count_audience(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<Audience>,
) -> Result<web::Json<AudienceCount>, ApiError> {
    Ok(web::Json(state.kite.marketing().count_audience(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CampaignDto), (status = 404, body = ErrorBody))
)]
#[get("/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CampaignDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().get_campaign(&ctx, *id).await?))
}

/// Only a draft or scheduled campaign can be edited: 409 once sending started.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = CampaignInput,
    responses(
        (status = 200, body = CampaignDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/campaigns/{id}")]
pub async fn update_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<CampaignInput>,
) -> Result<web::Json<CampaignDto>, ApiError> {
    Ok(web::Json(
        state.kite.marketing().update_campaign(&ctx, *id, &body).await?,
    ))
}

#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 204),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[delete("/campaigns/{id}")]
pub async fn delete_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.marketing().delete_campaign(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Starts sending now; a second click is 409.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CampaignDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/campaigns/{id}/send")]
pub async fn send_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CampaignDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().send_campaign(&ctx, *id).await?))
}

/// Stops after the batch under way.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CampaignDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/campaigns/{id}/pause")]
pub async fn pause_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CampaignDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().pause_campaign(&ctx, *id).await?))
}

/// Goes on where it paused.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CampaignDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/campaigns/{id}/resume")]
pub async fn resume_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CampaignDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().resume_campaign(&ctx, *id).await?))
}

/// Ends the campaign; emails not handed over are never sent.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CampaignDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/campaigns/{id}/cancel")]
pub async fn cancel_campaign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CampaignDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().cancel_campaign(&ctx, *id).await?))
}

/// The campaign's funnel and clicks per link.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CampaignReport), (status = 404, body = ErrorBody))
)]
#[get("/campaigns/{id}/report")]
pub async fn campaign_report(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<CampaignReport>, ApiError> {
    Ok(web::Json(state.kite.marketing().campaign_report(&ctx, *id).await?))
}

/// Each recipient and what their email did.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path), RecipientQuery, PageQuery),
    responses((status = 200, body = Page<RecipientDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/campaigns/{id}/recipients")]
pub async fn campaign_recipients(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    query: ListQuery<RecipientQuery>,
) -> Result<web::Json<Page<RecipientDto>>, ApiError> {
    Ok(web::Json(
        state
            .kite
            .marketing()
            .campaign_recipients(&ctx, *id, &query.filters, &query.page)
            .await?,
    ))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_campaigns);
    cfg.service(create_campaign);
    cfg.service(count_audience);
    cfg.service(get_campaign);
    cfg.service(update_campaign);
    cfg.service(delete_campaign);
    cfg.service(send_campaign);
    cfg.service(pause_campaign);
    cfg.service(resume_campaign);
    cfg.service(cancel_campaign);
    cfg.service(campaign_report);
    cfg.service(campaign_recipients);
}
