//! Routes shared by contacts, companies and deals: notes, timelines, bulk actions, and
//! the trash.

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, web};
use kite_shared::ErrorBody;
use kite_shared::crm::list::{BulkRequest, BulkResult};
use kite_shared::crm::notes::{NoteDto, NoteInput, RecordKind};
use kite_shared::crm::timeline::TimelineEntry;
use kite_shared::crm::trash::{TrashItem, TrashQuery};
use kite_shared::page::{Page, PageQuery};
use serde::Deserialize;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// `contacts`, `companies` or `deals` in a record's path.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum RecordPlural {
    Contacts,
    Companies,
    Deals,
}

impl RecordPlural {
    fn kind(&self) -> RecordKind {
        match self {
            RecordPlural::Contacts => RecordKind::Contact,
            RecordPlural::Companies => RecordKind::Company,
            RecordPlural::Deals => RecordKind::Deal,
        }
    }
}

#[derive(Deserialize)]
pub struct RecordPath {
    kind: RecordPlural,
    id: Uuid,
}

impl RecordPath {
    fn kind(&self) -> RecordKind {
        self.kind.kind()
    }
}

#[derive(Deserialize)]
pub struct KindPath {
    kind: RecordPlural,
}

/// The notes of a contact, company or deal, newest first.
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = [])),
    params(("kind" = String, Path, description = "contacts, companies or deals"), ("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<NoteDto>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/{kind}/{id}/notes")]
pub async fn list_notes(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    path: web::Path<RecordPath>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<NoteDto>>, ApiError> {
    Ok(web::Json(
        state.kite.notes().list(&ctx, path.kind(), path.id, &page).await?,
    ))
}

#[utoipa::path(
    tag = "records",
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
    tag = "records",
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

/// Everything that happened to a contact, company or deal, newest first. The timeline
/// is not counted: its `total` is always null.
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = [])),
    params(("kind" = String, Path, description = "contacts, companies or deals"), ("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<TimelineEntry>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/{kind}/{id}/timeline")]
pub async fn timeline(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    path: web::Path<RecordPath>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<TimelineEntry>>, ApiError> {
    Ok(web::Json(
        state
            .kite
            .timeline()
            .for_record(&ctx, path.kind(), path.id, &page)
            .await?,
    ))
}

/// Assigns an owner to, or deletes, up to 1000 records at once. Every id must be a live
/// record of the organization, or nothing changes (404).
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = [])),
    params(("kind" = String, Path, description = "contacts, companies or deals")),
    request_body = BulkRequest,
    responses(
        (status = 200, body = BulkResult),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/{kind}/bulk")]
pub async fn bulk(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    path: web::Path<KindPath>,
    body: web::Json<BulkRequest>,
) -> Result<web::Json<BulkResult>, ApiError> {
    Ok(web::Json(state.kite.bulk().apply(&ctx, path.kind.kind(), &body).await?))
}

/// Deleted records of one kind, newest deletion first; restore them with
/// `POST /{kind}/{id}/restore`. Admins only.
#[utoipa::path(
    tag = "records",
    security(("bearer_auth" = [])),
    params(TrashQuery, PageQuery),
    responses((status = 200, body = Page<TrashItem>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[get("/trash")]
pub async fn trash(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<TrashQuery>,
) -> Result<web::Json<Page<TrashItem>>, ApiError> {
    Ok(web::Json(
        state.kite.bulk().trash(&ctx, &query.filters, &query.page).await?,
    ))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(trash);
    cfg.service(delete_note);
    cfg.service(list_notes);
    cfg.service(create_note);
    cfg.service(timeline);
    cfg.service(bulk);
}
