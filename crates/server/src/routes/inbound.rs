//! `/api/v1/inbound`: SendGrid Inbound Parse posts the mail contacts send to the
//! organization's secret address (no session: the secret in the path is the key), and
//! admins read the address and file the messages no contact matched.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::StreamExt;
use kite_core::marketing::{InboundFields, InboundMessage};
use kite_shared::ErrorBody;
use kite_shared::marketing::emails::{AssignInbound, InboundAddress, InboundEmailDto, InboundOutcome};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

fn invalid(message: String) -> ApiError {
    ApiError::BadRequest {
        code: "invalid_inbound",
        message,
    }
}

/// Reads the text fields of the form (attachments are read and dropped), at most
/// `limit` bytes in all.
async fn read_fields(req: &HttpRequest, payload: web::Payload, limit: usize) -> Result<InboundFields, ApiError> {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|length| length > limit) {
        return Err(ApiError::PayloadTooLarge);
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut fields = InboundFields::default();
    let mut read = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| invalid(format!("The form could not be read: {e}")))?;
        let name = field.name().unwrap_or_default().to_owned();
        let is_file = field.content_disposition().is_some_and(|d| d.get_filename().is_some());
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| invalid(format!("The form broke off: {e}")))?;
            read += chunk.len();
            if read > limit {
                return Err(ApiError::PayloadTooLarge);
            }
            if !is_file {
                value.extend_from_slice(&chunk);
            }
        }
        if is_file {
            continue;
        }
        let text = String::from_utf8(value).map_err(|_| invalid(format!("`{name}` is not UTF-8 text.")))?;
        match name.as_str() {
            "from" => fields.from = Some(text),
            "to" => fields.to = Some(text),
            "subject" => fields.subject = Some(text),
            "text" => fields.text = Some(text),
            "html" => fields.html = Some(text),
            "headers" => fields.headers = Some(text),
            _ => {}
        }
    }
    Ok(fields)
}

/// One message from SendGrid Inbound Parse (its default, parsed form: `from`, `to`,
/// `subject`, `text`, `html`, `headers`). A reply is threaded to the email it answers
/// and takes the contact out of their sequences; a malformed post is 400 and nothing
/// is kept; the same message posted twice is kept once.
#[utoipa::path(
    tag = "marketing",
    params(("secret" = String, Path, description = "The organization's inbound secret")),
    request_body(content_type = "multipart/form-data", description = "SendGrid Inbound Parse fields"),
    responses(
        (status = 200, body = InboundOutcome),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody),
    )
)]
#[post("/inbound/email/{secret}")]
pub async fn receive(
    state: web::Data<AppState>,
    req: HttpRequest,
    secret: web::Path<String>,
    payload: web::Payload,
) -> Result<web::Json<InboundOutcome>, ApiError> {
    let fields = read_fields(&req, payload, state.max_upload_bytes).await?;
    let message = InboundMessage::parse(fields).map_err(|e| invalid(e.to_string()))?;
    Ok(web::Json(
        state.kite.marketing().receive_inbound(&secret, &message).await?,
    ))
}

/// The address to give SendGrid Inbound Parse (admins).
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    responses((status = 200, body = InboundAddress), (status = 403, body = ErrorBody))
)]
#[get("/inbound/address")]
pub async fn address(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<InboundAddress>, ApiError> {
    Ok(web::Json(state.kite.marketing().inbound_address(&ctx).await?))
}

/// A new address; the old one stops working at once.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    responses((status = 200, body = InboundAddress), (status = 403, body = ErrorBody))
)]
#[post("/inbound/address/rotate")]
pub async fn rotate(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<InboundAddress>, ApiError> {
    Ok(web::Json(state.kite.marketing().rotate_inbound_address(&ctx).await?))
}

/// Messages from senders no contact has, newest first (admins).
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<InboundEmailDto>), (status = 403, body = ErrorBody))
)]
#[get("/inbound/unmatched")]
pub async fn unmatched(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<InboundEmailDto>>, ApiError> {
    Ok(web::Json(state.kite.marketing().list_unmatched(&ctx, &page).await?))
}

/// Files an unmatched message under a contact (it counts as their reply).
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = AssignInbound,
    responses(
        (status = 200, body = InboundEmailDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/inbound/emails/{id}/assign")]
pub async fn assign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<AssignInbound>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        state
            .kite
            .marketing()
            .assign_inbound(&ctx, *id, body.contact_id)
            .await?,
    ))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(receive);
    cfg.service(address);
    cfg.service(rotate);
    cfg.service(unmatched);
    cfg.service(assign);
}
