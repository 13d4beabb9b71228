//! `/api/v1/webhooks/sendgrid/events`: SendGrid's signed Event Webhook. No session:
//! the signature is the authentication, checked before the body is read.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::{HttpRequest, post, web};
use kite_core::marketing::ProviderEventsOutcome;
use kite_email::events::{ProviderEvent, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use kite_shared::ErrorBody;
use utoipa_actix_web::service_config::ServiceConfig;

/// What one batch did.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct EventsReceived {
    pub received: usize,
    pub recorded: usize,
    pub duplicates: usize,
    pub unknown: usize,
}

impl From<ProviderEventsOutcome> for EventsReceived {
    fn from(o: ProviderEventsOutcome) -> Self {
        Self {
            received: o.received,
            recorded: o.recorded,
            duplicates: o.duplicates,
            unknown: o.unknown,
        }
    }
}

/// A batch of SendGrid events, signed with the configured public key
/// (`SENDGRID_WEBHOOK_PUBLIC_KEY`): an unsigned or badly signed batch is 401 and
/// nothing is recorded; an event seen before (same `sg_event_id`) is counted once.
#[utoipa::path(
    tag = "marketing",
    request_body(content = String, description = "SendGrid's JSON array of events", content_type = "application/json"),
    responses(
        (status = 200, body = EventsReceived),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody),
    )
)]
#[post("/webhooks/sendgrid/events")]
pub async fn sendgrid_events(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<web::Json<EventsReceived>, ApiError> {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let marketing = state.kite.marketing();
    marketing.verify_provider_signature(header(TIMESTAMP_HEADER), header(SIGNATURE_HEADER), &body)?;
    let events: Vec<ProviderEvent> = serde_json::from_slice(&body).map_err(|e| ApiError::BadRequest {
        code: "invalid_events",
        message: format!("The body is not a JSON array of SendGrid events: {e}"),
    })?;
    if events.len() > kite_core::marketing::MAX_PROVIDER_EVENTS {
        return Err(ApiError::PayloadTooLarge);
    }
    Ok(web::Json(marketing.record_provider_events(&events).await?.into()))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(sendgrid_events);
}
