//! `/api/v1/sequences`: ordered steps (email, wait, task) that enrolled contacts go
//! through, who is enrolled, and `/api/v1/sequence-enrollments/{id}` to pause, resume
//! or stop one. Managers and admins build sequences and enroll segments; reps enroll
//! the contacts they pick and manage their own enrollments.

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::marketing::sequences::{
    EnrollInput, EnrollOutcome, EnrollmentDto, EnrollmentQuery, SequenceDto, SequenceInput,
};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// By name, each with its steps, their statistics and its enrollments by state.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<SequenceDto>), (status = 403, body = ErrorBody))
)]
#[get("/sequences")]
pub async fn list_sequences(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<SequenceDto>>, ApiError> {
    Ok(web::Json(state.kite.marketing().list_sequences(&ctx, &page).await?))
}

#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    request_body = SequenceInput,
    responses(
        (status = 201, body = SequenceDto),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/sequences")]
pub async fn create_sequence(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<SequenceInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.marketing().create_sequence(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SequenceDto), (status = 404, body = ErrorBody))
)]
#[get("/sequences/{id}")]
pub async fn get_sequence(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<SequenceDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().get_sequence(&ctx, *id).await?))
}

/// Saves the name and the whole list of steps: a step sent back with its id keeps its
/// statistics, one without is new, one left out is removed.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = SequenceInput,
    responses(
        (status = 200, body = SequenceDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/sequences/{id}")]
pub async fn update_sequence(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<SequenceInput>,
) -> Result<web::Json<SequenceDto>, ApiError> {
    Ok(web::Json(
        state.kite.marketing().update_sequence(&ctx, *id, &body).await?,
    ))
}

/// Moves the sequence to the trash and takes everyone still in it out.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/sequences/{id}")]
pub async fn delete_sequence(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.marketing().delete_sequence(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Holds every enrollment where it stands.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = SequenceDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[post("/sequences/{id}/pause")]
pub async fn pause_sequence(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<SequenceDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().pause_sequence(&ctx, *id).await?))
}

/// Goes on; steps that fell due meanwhile run at once.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = SequenceDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[post("/sequences/{id}/resume")]
pub async fn resume_sequence(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<SequenceDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().resume_sequence(&ctx, *id).await?))
}

/// Enrolls contacts picked by hand (`audience.kind = list`) or the contacts a filter
/// matches (managers and admins). Who is already in the sequence, has no address or is
/// suppressed is counted and left out.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = EnrollInput,
    responses(
        (status = 200, body = EnrollOutcome),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/sequences/{id}/enrollments")]
pub async fn enroll(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<EnrollInput>,
) -> Result<web::Json<EnrollOutcome>, ApiError> {
    Ok(web::Json(state.kite.marketing().enroll(&ctx, *id, &body).await?))
}

/// Newest first, with each contact's step and state.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path), EnrollmentQuery, PageQuery),
    responses((status = 200, body = Page<EnrollmentDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/sequences/{id}/enrollments")]
pub async fn list_enrollments(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    query: ListQuery<EnrollmentQuery>,
) -> Result<web::Json<Page<EnrollmentDto>>, ApiError> {
    Ok(web::Json(
        state
            .kite
            .marketing()
            .list_enrollments(&ctx, *id, &query.filters, &query.page)
            .await?,
    ))
}

/// The sequences the contact is in, or was.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EnrollmentDto>), (status = 404, body = ErrorBody))
)]
#[get("/contacts/{id}/enrollments")]
pub async fn contact_enrollments(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<EnrollmentDto>>, ApiError> {
    Ok(web::Json(state.kite.marketing().contact_enrollments(&ctx, *id).await?))
}

/// Holds the enrollment where it stands.
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = EnrollmentDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[post("/sequence-enrollments/{id}/pause")]
pub async fn pause_enrollment(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<EnrollmentDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().pause_enrollment(&ctx, *id).await?))
}

#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = EnrollmentDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[post("/sequence-enrollments/{id}/resume")]
pub async fn resume_enrollment(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<EnrollmentDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().resume_enrollment(&ctx, *id).await?))
}

/// Takes the contact out of the sequence (exit reason `manual`).
#[utoipa::path(
    tag = "marketing",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = EnrollmentDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[post("/sequence-enrollments/{id}/exit")]
pub async fn exit_enrollment(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<EnrollmentDto>, ApiError> {
    Ok(web::Json(state.kite.marketing().exit_enrollment(&ctx, *id).await?))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_sequences);
    cfg.service(create_sequence);
    cfg.service(get_sequence);
    cfg.service(update_sequence);
    cfg.service(delete_sequence);
    cfg.service(pause_sequence);
    cfg.service(resume_sequence);
    cfg.service(enroll);
    cfg.service(list_enrollments);
    cfg.service(contact_enrollments);
    cfg.service(pause_enrollment);
    cfg.service(resume_enrollment);
    cfg.service(exit_enrollment);
}
