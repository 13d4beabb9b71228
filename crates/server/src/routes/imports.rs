//! `/api/v1/imports`: the import wizard's steps.

use crate::error::ApiError;
use crate::extract::Auth;
use crate::state::AppState;
use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use futures_util::StreamExt;
use kite_core::CoreError;
use kite_core::blobs::StagedBlob;
use kite_core::imports::Upload;
use kite_shared::ErrorBody;
use kite_shared::imports::{DryRunReport, ImportDto, ImportEntity, ImportMappingRequest, ImportUploaded};
use kite_shared::jobs::JobStarted;
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Small text fields of the upload form.
const MAX_TEXT_FIELD: usize = 1024;
/// What a multipart body may carry besides the file: boundaries, headers, the small fields.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Uploads a file (multipart: `file`, `entity` = contacts|companies|deals, optional
/// `sheet`). Answers with its columns, first rows and a suggested mapping.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    request_body(content_type = "multipart/form-data", description = "`file`, `entity`, optional `sheet`"),
    responses(
        (status = 201, body = ImportUploaded),
        (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/imports")]
pub async fn upload(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    request: HttpRequest,
    mut form: Multipart,
) -> Result<HttpResponse, ApiError> {
    let too_large = || ApiError::FileTooLarge {
        limit_bytes: state.max_upload_bytes,
    };
    // A body announced as too large is refused before any of it is read.
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if announced.is_some_and(|length| length > state.max_upload_bytes.saturating_add(FORM_OVERHEAD)) {
        return Err(too_large());
    }
    let imports = state.kite.imports();
    let mut entity: Option<String> = None;
    let mut sheet: Option<String> = None;
    let mut file: Option<(String, StagedBlob)> = None;
    let mut refused = false;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|e| ApiError::BadRequest {
            code: "invalid_multipart",
            message: format!("The upload could not be read: {e}"),
        })?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename().map(str::to_owned))
                .unwrap_or_else(|| "upload".into());
            // Checks the caller may import before anything is written.
            let mut staged = Some(imports.receive(&ctx).await?);
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| ApiError::BadRequest {
                    code: "invalid_multipart",
                    message: format!("The upload broke off: {e}"),
                })?;
                let Some(out) = staged.as_mut() else { continue };
                if out.written() + chunk.len() as u64 > state.max_upload_bytes as u64 {
                    // Dropping the staged file removes it at once; the rest is read and
                    // dropped, so the client gets the answer, not a connection closed
                    // mid-upload.
                    staged = None;
                    refused = true;
                    continue;
                }
                out.write(&chunk).await.map_err(CoreError::from)?;
            }
            if let Some(staged) = staged {
                file = Some((file_name, staged));
            }
        } else {
            let mut text = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|e| ApiError::BadRequest {
                    code: "invalid_multipart",
                    message: format!("The upload broke off: {e}"),
                })?;
                if text.len() + chunk.len() > MAX_TEXT_FIELD {
                    return Err(CoreError::field(&name, "too_long", "At most 1 KB.").into());
                }
                text.extend_from_slice(&chunk);
            }
            let text = String::from_utf8_lossy(&text).trim().to_owned();
            match name.as_str() {
                "entity" => entity = Some(text),
                "sheet" if !text.is_empty() => sheet = Some(text),
                _ => {}
            }
        }
    }
    if refused {
        return Err(too_large());
    }
    let entity = entity
        .as_deref()
        .and_then(ImportEntity::parse)
        .ok_or_else(|| CoreError::field("entity", "invalid_entity", "Choose contacts, companies or deals."))?;
    let (file_name, file) = file.ok_or_else(|| CoreError::field("file", "required", "Choose a file to upload."))?;
    let upload = Upload {
        file_name,
        file,
        entity,
        sheet,
    };
    Ok(HttpResponse::Created().json(imports.create(&ctx, upload).await?))
}

/// The organization's imports, newest first.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    params(PageQuery),
    responses((status = 200, body = Page<ImportDto>), (status = 422, body = ErrorBody))
)]
#[get("/imports")]
pub async fn list_imports(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<ImportDto>>, ApiError> {
    Ok(web::Json(state.kite.imports().list(&ctx, &page).await?))
}

/// An import's status, counts and first errors.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ImportDto), (status = 404, body = ErrorBody))
)]
#[get("/imports/{id}")]
pub async fn get_import(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ImportDto>, ApiError> {
    Ok(web::Json(state.kite.imports().get(&ctx, *id).await?))
}

/// Chooses the field of each column and what to do with duplicates.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = ImportMappingRequest,
    responses((status = 200, body = ImportDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody))
)]
#[put("/imports/{id}/mapping")]
pub async fn set_mapping(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<ImportMappingRequest>,
) -> Result<web::Json<ImportDto>, ApiError> {
    Ok(web::Json(state.kite.imports().set_mapping(&ctx, *id, &body).await?))
}

/// Validates every row and counts what a run would do, writing nothing.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DryRunReport), (status = 409, body = ErrorBody))
)]
#[post("/imports/{id}/dry-run")]
pub async fn dry_run(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<DryRunReport>, ApiError> {
    Ok(web::Json(state.kite.imports().dry_run(&ctx, *id).await?))
}

/// Starts the import as a background job; follow it with `GET /jobs/{job_id}` or the
/// event stream.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 202, body = JobStarted), (status = 409, body = ErrorBody))
)]
#[post("/imports/{id}/run")]
pub async fn run_import(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Accepted().json(state.kite.imports().run(&ctx, *id).await?))
}

/// Trashes what the import created and puts back what it updated.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ImportDto), (status = 409, body = ErrorBody))
)]
#[post("/imports/{id}/undo")]
pub async fn undo_import(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ImportDto>, ApiError> {
    Ok(web::Json(state.kite.imports().undo(&ctx, *id).await?))
}

/// The rows that failed, with the file's columns and the reason, as CSV.
#[utoipa::path(
    tag = "imports",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "text/csv"), (status = 404, body = ErrorBody))
)]
#[get("/imports/{id}/failed-rows.csv")]
pub async fn failed_rows(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let csv = state.kite.imports().failed_rows_csv(&ctx, *id).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"failed-rows-{id}.csv\""),
        ))
        .body(csv))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(upload);
    cfg.service(list_imports);
    cfg.service(get_import);
    cfg.service(set_mapping);
    cfg.service(dry_run);
    cfg.service(run_import);
    cfg.service(undo_import);
    cfg.service(failed_rows);
}
