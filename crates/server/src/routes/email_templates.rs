//! `/api/v1/email-templates`: subjects and bodies with variables, checked when saved,
//! previewed against a contact and sent as a test to oneself.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::marketing::templates::{
    EmailTemplateDto, EmailTemplateInput, PreviewRequest, RenderedEmail, TestSent,
};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The organization's templates by name.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<EmailTemplateDto>), (status = 403, body = ErrorBody))
)]
#[get("/email-templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<EmailTemplateDto>>, ApiError> {
    Ok(web::Json(state.kite.marketing().list_templates(&ctx, &page).await?))
}

/// Saves a template when it renders: an unknown variable or a syntax error is a 422
/// naming the field, line and column.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    request_body = EmailTemplateInput,
    responses(
        (status = 201, body = EmailTemplateDto),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/email-templates")]
pub async fn create_template(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<EmailTemplateInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.marketing().create_template(&ctx, &body).await?))
}

/// A draft rendered for a contact (or sample data), sanitised, with its text part.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    request_body = PreviewRequest,
    responses(
        (status = 200, body = RenderedEmail),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/email-templates/preview")]
pub async fn preview_template(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<PreviewRequest>,
) -> Result<web::Json<RenderedEmail>, ApiError> {
    Ok(web::Json(state.kite.marketing().preview(&ctx, &body).await?))
}

/// Sends the draft, rendered for the contact picked, to the caller.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    request_body = PreviewRequest,
    responses(
        (status = 202, body = TestSent),
        (status = 403, body = ErrorBody),
        (status = 404, description = "The contact or deal picked is not in your organization", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/email-templates/test")]
pub async fn send_test(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<PreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Accepted().json(state.kite.marketing().send_test(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = EmailTemplateDto), (status = 404, body = ErrorBody))
)]
#[get("/email-templates/{id}")]
pub async fn get_template(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<EmailTemplateDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().get_template(&ctx, *id).await?))
}

/// Reps edit the templates they wrote; managers and admins edit all.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = EmailTemplateInput,
    responses(
        (status = 200, body = EmailTemplateDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/email-templates/{id}")]
pub async fn update_template(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<EmailTemplateInput>,
) -> Result<web::Json<EmailTemplateDto>, ApiError> {
    Ok(web::Json(
        state.kite.marketing().update_template(&ctx, *id, &body).await?,
    ))
}

/// A template a campaign still waits to send is 409.
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
#[delete("/email-templates/{id}")]
pub async fn delete_template(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.marketing().delete_template(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_templates);
    cfg.service(create_template);
    cfg.service(preview_template);
    cfg.service(send_test);
    cfg.service(get_template);
    cfg.service(update_template);
    cfg.service(delete_template);
}
