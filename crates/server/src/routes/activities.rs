//! `/api/v1/activities`, "my tasks", and the notes and timelines of records.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::startup::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::activities::{ActivityDto, ActivityInput, ActivityListQuery, MyTasks, MyTasksQuery};
use kite_shared::crm::notes::{NoteDto, NoteInput, RecordKind};
use kite_shared::crm::timeline::{TimelineEntry, TimelineQuery};
use kite_shared::page::Page;
use serde::Deserialize;
use uuid::Uuid;

#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(ActivityListQuery),
    responses((status = 200, body = Page<ActivityDto>), (status = 422, body = ErrorBody))
)]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: web::Query<ActivityListQuery>,
) -> Result<web::Json<Page<ActivityDto>>, ApiError> {
    Ok(web::Json(state.kite.activities().list(&ctx, &query).await?))
}

/// Logs a call, email, meeting or note, or adds a task; links to a contact, company
/// and/or deal of the organization.
#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    request_body = ActivityInput,
    responses((status = 201, body = ActivityDto), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[post("/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<ActivityInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.activities().create(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = ActivityInput,
    responses(
        (status = 200, body = ActivityDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/activities/{id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<ActivityInput>,
) -> Result<web::Json<ActivityDto>, ApiError> {
    Ok(web::Json(state.kite.activities().update(&ctx, *id, &body).await?))
}

#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/activities/{id}")]
pub async fn delete_activity(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.activities().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user's open activities: overdue, today, upcoming and undated tasks.
#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(MyTasksQuery),
    responses((status = 200, body = MyTasks))
)]
#[get("/my-tasks")]
pub async fn my_tasks(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: web::Query<MyTasksQuery>,
) -> Result<web::Json<MyTasks>, ApiError> {
    Ok(web::Json(state.kite.activities().my_tasks(&ctx, &query).await?))
}

/// `contacts`, `companies` or `deals` in a record's path.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RecordPlural {
    Contacts,
    Companies,
    Deals,
}

#[derive(Deserialize)]
pub struct RecordPath {
    kind: RecordPlural,
    id: Uuid,
}

impl RecordPath {
    fn kind(&self) -> RecordKind {
        match self.kind {
            RecordPlural::Contacts => RecordKind::Contact,
            RecordPlural::Companies => RecordKind::Company,
            RecordPlural::Deals => RecordKind::Deal,
        }
    }
}

/// The notes of a contact, company or deal, newest first.
#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(("kind" = String, Path, description = "contacts, companies or deals"), ("id" = Uuid, Path)),
    responses((status = 200, body = Vec<NoteDto>), (status = 404, body = ErrorBody))
)]
#[get("/{kind}/{id}/notes")]
pub async fn list_notes(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    path: web::Path<RecordPath>,
) -> Result<web::Json<Vec<NoteDto>>, ApiError> {
    Ok(web::Json(state.kite.notes().list(&ctx, path.kind(), path.id).await?))
}

#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(("kind" = String, Path, description = "contacts, companies or deals"), ("id" = Uuid, Path)),
    request_body = NoteInput,
    responses((status = 201, body = NoteDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[post("/{kind}/{id}/notes")]
pub async fn create_note(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    path: web::Path<RecordPath>,
    body: web::Json<NoteInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.notes().create(&ctx, path.kind(), path.id, &body).await?))
}

#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/notes/{id}")]
pub async fn delete_note(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.notes().delete(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything that happened to a contact, company or deal, newest first. Page with
/// `before` = the `at` of the last entry seen.
#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(("kind" = String, Path, description = "contacts, companies or deals"), ("id" = Uuid, Path), TimelineQuery),
    responses((status = 200, body = Vec<TimelineEntry>), (status = 404, body = ErrorBody))
)]
#[get("/{kind}/{id}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    path: web::Path<RecordPath>,
    query: web::Query<TimelineQuery>,
) -> Result<web::Json<Vec<TimelineEntry>>, ApiError> {
    Ok(web::Json(
        state
            .kite
            .timeline()
            .for_record(&ctx, path.kind(), path.id, &query)
            .await?,
    ))
}
