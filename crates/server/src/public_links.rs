//! The links inside sent emails, which recipients open without an account: the open
//! pixel (`/t/o/…`), tracked clicks (`/t/c/…`, a redirect to the address Kite signed)
//! and unsubscribing (`/u/…`: a page that asks, and the one-click POST of RFC 8058
//! that mail clients send). A bad, altered or expired token is 404.

use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use kite_core::CoreError;

/// A transparent 1×1 GIF.
const PIXEL: [u8; 43] = [
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x02, 0x44, 0x01, 0x00, 0x3b,
];

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/t/o/{token}", web::get().to(open))
        .route("/t/c/{token}", web::get().to(click))
        .route("/u/{token}", web::get().to(unsubscribe_page))
        .route("/u/{token}", web::post().to(unsubscribe));
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(status: actix_web::http::StatusCode, title: &str, body: &str) -> HttpResponse {
    let html = format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1f2430;display:flex;min-height:100vh;align-items:center;justify-content:center;margin:0}}main{{background:#fff;border-radius:12px;padding:2rem 2.5rem;max-width:28rem;box-shadow:0 1px 3px rgba(0,0,0,.12)}}h1{{font-size:1.3rem;margin:0 0 .75rem}}button{{background:#4f46e5;color:#fff;border:0;border-radius:8px;padding:.6rem 1.2rem;font-size:1rem;cursor:pointer}}p{{line-height:1.5}}</style></head>
<body><main>{body}</main></body></html>"#
    );
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(html)
}

fn not_found() -> HttpResponse {
    page(
        actix_web::http::StatusCode::NOT_FOUND,
        "Link not found",
        "<h1>This link does not work</h1><p>It may be incomplete or too old.</p>",
    )
}

fn failed(error: CoreError) -> HttpResponse {
    match error {
        CoreError::NotFound(_) => not_found(),
        error => {
            tracing::error!(%error, "an email link failed");
            page(
                actix_web::http::StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                "<h1>Something went wrong</h1><p>Please try again in a minute.</p>",
            )
        }
    }
}

async fn open(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    match state.kite.marketing().track_open(&token).await {
        Ok(()) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "image/gif"))
            .insert_header((header::CACHE_CONTROL, "no-store, max-age=0"))
            .body(PIXEL.to_vec()),
        Err(error) => failed(error),
    }
}

async fn click(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    match state.kite.marketing().track_click(&token).await {
        Ok(click) => HttpResponse::Found()
            .insert_header((header::LOCATION, click.url))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish(),
        Err(error) => failed(error),
    }
}

async fn unsubscribe_page(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    match state.kite.marketing().unsubscribe_info(&token).await {
        Ok(info) if info.already => page(
            actix_web::http::StatusCode::OK,
            "Unsubscribed",
            &format!(
                "<h1>You are unsubscribed</h1><p><strong>{}</strong> gets no more marketing email from {}.</p>",
                escape(&info.email),
                escape(&info.organization_name)
            ),
        ),
        Ok(info) => page(
            actix_web::http::StatusCode::OK,
            "Unsubscribe",
            &format!(
                r#"<h1>Unsubscribe from {org}?</h1><p><strong>{email}</strong> will get no more marketing email from {org}.</p><form method="post"><button type="submit" id="unsubscribe">Unsubscribe</button></form>"#,
                org = escape(&info.organization_name),
                email = escape(&info.email)
            ),
        ),
        Err(error) => failed(error),
    }
}

/// The page's button and RFC 8058's one-click POST (`List-Unsubscribe=One-Click`).
async fn unsubscribe(state: web::Data<AppState>, token: web::Path<String>) -> HttpResponse {
    match state.kite.marketing().unsubscribe(&token).await {
        Ok(done) => page(
            actix_web::http::StatusCode::OK,
            "Unsubscribed",
            &format!(
                "<h1>You are unsubscribed</h1><p><strong>{}</strong> gets no more marketing email from {}.</p>",
                escape(&done.email),
                escape(&done.organization_name)
            ),
        ),
        Err(error) => failed(error),
    }
}
