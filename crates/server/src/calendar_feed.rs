//! The public calendar feed, `/ical/{token}.ics`: what Google Calendar, Outlook and
//! Apple Calendar poll. The token is the only credential, so a wrong one is a bare 404
//! that does not say whether such a feed ever existed.

use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kite_core::CoreError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/ical/{file}", web::get().to(feed));
}

async fn feed(state: web::Data<AppState>, file: web::Path<String>) -> HttpResponse {
    let Some(token) = file.strip_suffix(".ics") else {
        return HttpResponse::NotFound().finish();
    };
    match state.kite.calendar().feed_ics(token).await {
        Ok(ics) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
            .insert_header((header::CACHE_CONTROL, "private, no-cache"))
            .body(ics),
        Err(CoreError::NotFound(_)) => HttpResponse::NotFound().finish(),
        Err(error) => {
            tracing::error!(%error, "calendar feed failed");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}
