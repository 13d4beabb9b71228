//! `/api/v1/contacts`.

use crate::error::ApiError;
use crate::extract::{Auth, RecordListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::contacts::{ContactDto, ContactInput, ContactListQuery};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Contacts, sorted and filtered; `total` counts every match.
#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    params(
        ContactListQuery,
        PageQuery,
        ("cf.<key>" = Option<String>, Query, description = "A custom field's value (`cf.tier=Gold`): a text contains it, a select has the option, yes/no is `true` or `false`; `cf.<key>.min` and `cf.<key>.max` bound numbers, amounts and dates. Repeat for more fields."),
    ),
    responses((status = 200, body = Page<ContactDto>), (status = 422, body = ErrorBody))
)]
#[get("/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    RecordListQuery(query): RecordListQuery<ContactListQuery>,
) -> Result<web::Json<Page<ContactDto>>, ApiError> {
    Ok(web::Json(
        state.kite.contacts().list(&ctx, &query.filters, &query.page).await?,
    ))
}

/// Creates a contact. An email another live contact has is a 409 `duplicate_email`,
/// with that contact in `details.existing_contact`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    request_body = ContactInput,
    responses(
        (status = 201, body = ContactDto),
        (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/contacts")]
pub async fn create_contact(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<ContactInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.contacts().create(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ContactDto), (status = 404, body = ErrorBody))
)]
#[get("/contacts/{id}")]
pub async fn get_contact(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ContactDto>, ApiError> {
    Ok(web::Json(state.kite.contacts().get(&ctx, *id).await?))
}

/// Replaces the editable fields. Reps edit only contacts they own.
#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = ContactInput,
    responses(
        (status = 200, body = ContactDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/contacts/{id}")]
pub async fn update_contact(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<ContactInput>,
) -> Result<web::Json<ContactDto>, ApiError> {
    Ok(web::Json(state.kite.contacts().update(&ctx, *id, &body).await?))
}

/// Moves the contact to the trash (managers and admins).
#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/contacts/{id}")]
pub async fn delete_contact(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.contacts().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Brings the contact back from the trash (admins).
#[utoipa::path(
    tag = "contacts",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ContactDto), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[post("/contacts/{id}/restore")]
pub async fn restore_contact(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ContactDto>, ApiError> {
    Ok(web::Json(state.kite.contacts().restore(&ctx, *id).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_contacts);
    cfg.service(create_contact);
    cfg.service(get_contact);
    cfg.service(update_contact);
    cfg.service(delete_contact);
    cfg.service(restore_contact);
}
