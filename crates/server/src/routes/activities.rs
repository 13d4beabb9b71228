//! `/api/v1/activities` and "my tasks".

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::crm::activities::{ActivityDto, ActivityInput, ActivityListQuery, MyTasks, MyTasksQuery};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

#[utoipa::path(
    tag = "activities",
    security(("bearer_auth" = [])),
    params(ActivityListQuery, PageQuery),
    responses((status = 200, body = Page<ActivityDto>), (status = 422, body = ErrorBody))
)]
#[get("/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<ActivityListQuery>,
) -> Result<web::Json<Page<ActivityDto>>, ApiError> {
    Ok(web::Json(
        state.kite.activities().list(&ctx, &query.filters, &query.page).await?,
    ))
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

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_activities);
    cfg.service(create_activity);
    cfg.service(update_activity);
    cfg.service(delete_activity);
    cfg.service(my_tasks);
}
