//! `/api/v1/contacts/{id}/emails`: a one-off email to a contact from the contact page.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, post, web};
use kite_shared::ErrorBody;
use kite_shared::marketing::emails::{OneOffEmailInput, QueuedEmail};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Sends a template (or a subject and body) to the contact, rendered for them and
/// tracked; it lands on their timeline. A contact without an address is 422, a
/// suppressed address 409.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = OneOffEmailInput,
    responses(
        (status = 202, body = QueuedEmail),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/contacts/{id}/emails")]
pub async fn email_contact(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<OneOffEmailInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Accepted().json(state.kite.marketing().email_contact(&ctx, *id, &body).await?))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(email_contact);
}
