//! `/api/v1/webhook-subscriptions`: URLs told about the organization's changes by
//! signed POSTs, each with its delivery log, a test event and redelivery. Admins, or
//! API keys with the `webhooks` scopes.

use crate::error::ApiError;
use crate::extract::{Auth, CheckedJson, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::integrations::webhooks::{
    QueuedMessage, WebhookDeliveryDto, WebhookSubscriptionDto, WebhookSubscriptionInput,
};
use kite_shared::page::{Page, PageQuery};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The deliveries list takes paging only.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoFilters {}

/// Every subscription, newest first.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    responses((status = 200, body = Vec<WebhookSubscriptionDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody))
)]
#[get("/webhook-subscriptions")]
pub async fn list_subscriptions(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<Vec<WebhookSubscriptionDto>>, ApiError> {
    Ok(web::Json(state.kite.webhooks().list(&ctx).await?))
}

/// Subscribes a URL to events. The URL's host must resolve to public addresses only.
/// Each delivery is a POST of `{id, type, timestamp, data}` (data: the record as the API
/// returns it) with the Standard Webhooks headers `webhook-id` (the same on every retry:
/// deduplicate on it), `webhook-timestamp` and `webhook-signature`
/// (`v1,` + base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`, keyed
/// with the base64-decoded part of the `whsec_` secret after its prefix).
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    request_body = WebhookSubscriptionInput,
    responses(
        (status = 201, body = WebhookSubscriptionDto),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/webhook-subscriptions")]
pub async fn create_subscription(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: CheckedJson<WebhookSubscriptionInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.webhooks().create(&ctx, &body.0).await?))
}

#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = WebhookSubscriptionDto), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/webhook-subscriptions/{id}")]
pub async fn get_subscription(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<WebhookSubscriptionDto>, ApiError> {
    Ok(web::Json(state.kite.webhooks().get(&ctx, *id).await?))
}

/// Changes the URL, events or state. Turning a subscription on again clears the reason
/// Kite paused it for.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = WebhookSubscriptionInput,
    responses(
        (status = 200, body = WebhookSubscriptionDto),
        (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/webhook-subscriptions/{id}")]
pub async fn update_subscription(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: CheckedJson<WebhookSubscriptionInput>,
) -> Result<web::Json<WebhookSubscriptionDto>, ApiError> {
    Ok(web::Json(state.kite.webhooks().update(&ctx, *id, &body.0).await?))
}

#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/webhook-subscriptions/{id}")]
pub async fn delete_subscription(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.webhooks().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Every attempt of the subscription, newest first: request body, status, an excerpt
/// of the answer, duration, and when the next retry runs.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<WebhookDeliveryDto>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[get("/webhook-subscriptions/{id}/deliveries")]
pub async fn list_deliveries(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    query: ListQuery<NoFilters>,
) -> Result<web::Json<Page<WebhookDeliveryDto>>, ApiError> {
    Ok(web::Json(
        state.kite.webhooks().deliveries(&ctx, *id, &query.page).await?,
    ))
}

/// Queues a `webhook.test` message to the subscription, even while it is paused.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 202, body = QueuedMessage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/webhook-subscriptions/{id}/test")]
pub async fn send_test(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Accepted().json(state.kite.webhooks().send_test(&ctx, *id).await?))
}

/// Sends a logged message again: same `webhook-id`, same body, a fresh round of retries.
#[utoipa::path(
    tag = "integrations",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path), ("delivery_id" = Uuid, Path)),
    responses((status = 202, body = QueuedMessage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/webhook-subscriptions/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (id, delivery_id) = path.into_inner();
    Ok(HttpResponse::Accepted().json(state.kite.webhooks().redeliver(&ctx, id, delivery_id).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_subscriptions);
    cfg.service(create_subscription);
    cfg.service(get_subscription);
    cfg.service(update_subscription);
    cfg.service(delete_subscription);
    cfg.service(list_deliveries);
    cfg.service(send_test);
    cfg.service(redeliver);
}
