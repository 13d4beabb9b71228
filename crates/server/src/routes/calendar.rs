//! `/api/v1/calendar` (events in a range), moving an event, invitations, and the
//! signed-in user's feed URL (`/api/v1/calendar-feed`). The feed itself is public, by
//! its secret token: see `calendar_feed`.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use kite_shared::ErrorBody;
use kite_shared::crm::activities::ActivityDto;
use kite_shared::crm::calendar::{
    CalendarEvents, CalendarFeed, CalendarQuery, CreatedCalendarFeed, InvitationsSent, RescheduleInput,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Meetings, calls and tasks with a time that overlap the range (at most 100 days),
/// everyone's or one user's (owned or attended).
#[utoipa::path(
    tag = "calendar",
    security(("bearer_auth" = [])),
    params(CalendarQuery),
    responses((status = 200, body = CalendarEvents), (status = 422, body = ErrorBody))
)]
#[get("/calendar")]
pub async fn calendar_events(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: web::Query<CalendarQuery>,
) -> Result<web::Json<CalendarEvents>, ApiError> {
    Ok(web::Json(state.kite.calendar().events(&ctx, &query).await?))
}

/// Moves an activity to a new start; without `ends_at` it keeps its length. A reminder
/// already sent is sent again at the new time.
#[utoipa::path(
    tag = "calendar",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = RescheduleInput,
    responses(
        (status = 200, body = ActivityDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/activities/{id}/reschedule")]
pub async fn reschedule_activity(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<RescheduleInput>,
) -> Result<web::Json<ActivityDto>, ApiError> {
    Ok(web::Json(state.kite.activities().reschedule(&ctx, *id, &body).await?))
}

/// Emails each attendee an invitation with the event attached as `invite.ics`.
#[utoipa::path(
    tag = "calendar",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = InvitationsSent),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/activities/{id}/invitations")]
pub async fn send_invitations(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<InvitationsSent>, ApiError> {
    Ok(web::Json(state.kite.calendar().invite(&ctx, *id).await?))
}

/// Whether the signed-in user has a feed URL, and when a calendar app last read it.
#[utoipa::path(
    tag = "calendar",
    security(("bearer_auth" = [])),
    responses((status = 200, body = CalendarFeed))
)]
#[get("/calendar-feed")]
pub async fn get_calendar_feed(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<CalendarFeed>, ApiError> {
    Ok(web::Json(state.kite.calendar().feed(&ctx).await?))
}

/// A new secret feed URL (shown once); the previous one stops working.
#[utoipa::path(
    tag = "calendar",
    security(("bearer_auth" = [])),
    responses((status = 201, body = CreatedCalendarFeed))
)]
#[post("/calendar-feed")]
pub async fn create_calendar_feed(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.calendar().create_feed(&ctx).await?))
}

/// Turns the feed URL off.
#[utoipa::path(
    tag = "calendar",
    security(("bearer_auth" = [])),
    responses((status = 204), (status = 404, body = ErrorBody))
)]
#[delete("/calendar-feed")]
pub async fn revoke_calendar_feed(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<HttpResponse, ApiError> {
    state.kite.calendar().revoke_feed(&ctx).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(calendar_events);
    cfg.service(reschedule_activity);
    cfg.service(send_invitations);
    cfg.service(get_calendar_feed);
    cfg.service(create_calendar_feed);
    cfg.service(revoke_calendar_feed);
}
