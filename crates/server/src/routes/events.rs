//! The live event stream (server-sent events), one per open tab.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::metrics::StreamOpen;
use crate::state::AppState;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, post, web};
use kite_core::events::{Envelope, StreamOwner};
use kite_shared::ErrorBody;
use kite_shared::jobs::EventTicket;
use serde::Deserialize;
use std::time::Duration;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::RecvError;
use utoipa_actix_web::service_config::ServiceConfig;

/// Comments that keep proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// A one-minute, single-use ticket for `GET /events` (EventSource cannot send headers).
#[utoipa::path(tag = "events", security(("bearer_auth" = [])), responses((status = 201, body = EventTicket)))]
#[post("/events/ticket")]
pub async fn event_ticket(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.events().issue_ticket(&ctx).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// From `POST /events/ticket`.
    ticket: String,
}

/// The signed-in user's events as `text/event-stream`: each event's name is its `kind`
/// (`job_progress`, …) and its data the JSON of a `ServerEvent`.
#[utoipa::path(
    tag = "events",
    params(StreamQuery),
    responses((status = 200, content_type = "text/event-stream"), (status = 401, body = ErrorBody))
)]
#[get("/events")]
pub async fn events(state: web::Data<AppState>, query: web::Query<StreamQuery>) -> Result<HttpResponse, ApiError> {
    let owner = state.kite.events().open(&query.ticket).await?;
    let receiver = state.kite.events.subscribe();
    // Counted while the stream lives, however it ends.
    let open = StreamOpen::new(&state.metrics.sse_clients);
    let stream = futures_util::stream::unfold(
        (receiver, owner, open, true),
        |(mut receiver, owner, open, first)| async move {
            if first {
                // Tells the browser the stream is open before any event arrives.
                return Some((
                    Ok::<_, actix_web::Error>(Bytes::from_static(b": open\n\n")),
                    (receiver, owner, open, false),
                ));
            }
            let chunk = next_chunk(&mut receiver, &owner).await?;
            Some((Ok(chunk), (receiver, owner, open, false)))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        // Compression would hold events back until its buffer fills.
        .insert_header(("Content-Encoding", "identity"))
        .streaming(stream))
}

/// The next event for this user as an SSE frame, a keep-alive comment after a quiet
/// spell, or None when the bus is gone.
async fn next_chunk(receiver: &mut Receiver<Envelope>, owner: &StreamOwner) -> Option<Bytes> {
    loop {
        let received = tokio::time::timeout(KEEP_ALIVE, receiver.recv()).await;
        match received {
            Err(_) => return Some(Bytes::from_static(b": keep-alive\n\n")),
            Ok(Ok(envelope)) if envelope.is_for(owner.organization_id, owner.user_id) => {
                let data = serde_json::to_string(&envelope.event).ok()?;
                return Some(Bytes::from(format!(
                    "event: {}\ndata: {data}\n\n",
                    envelope.event.name()
                )));
            }
            Ok(Ok(_)) | Ok(Err(RecvError::Lagged(_))) => continue,
            Ok(Err(RecvError::Closed)) => return None,
        }
    }
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(event_ticket);
    cfg.service(events);
}
