//! `/api/v1/users`: the organization's people. Admins invite and manage them.

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, get, patch, post, web};
use kite_shared::auth::UserDto;
use kite_shared::page::{Page, PageQuery};
use kite_shared::users::{InviteResponse, InviteUserRequest, UpdateUserRequest, UserListQuery};
use kite_shared::{ErrorBody, UserId};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Users of the organization, by name; filter by `q` (name or email), role, active.
#[utoipa::path(
    tag = "users",
    security(("bearer_auth" = [])),
    params(UserListQuery, PageQuery),
    responses(
        (status = 200, body = Page<UserDto>),
        (status = 401, body = ErrorBody),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<UserListQuery>,
) -> Result<web::Json<Page<UserDto>>, ApiError> {
    Ok(web::Json(
        state.kite.users().list(&ctx, &query.filters, &query.page).await?,
    ))
}

/// Invites someone by email: the user is created without a password and gets a
/// one-time link to set one. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer_auth" = [])),
    request_body = InviteUserRequest,
    responses(
        (status = 201, body = InviteResponse),
        (status = 403, body = ErrorBody),
        (status = 409, description = "The email already has an account", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/users")]
pub async fn invite_user(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<InviteUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let invited = state.kite.users().invite(&ctx, &body).await?;
    Ok(HttpResponse::Created().json(invited))
}

#[utoipa::path(
    tag = "users",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses(
        (status = 200, body = UserDto),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<UserDto>, ApiError> {
    Ok(web::Json(state.kite.users().get(&ctx, UserId(*id)).await?))
}

/// Changes a user's name, role or active flag. Deactivating ends the user's sessions; the
/// organization always keeps an active admin (`last_admin`). Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses(
        (status = 200, body = UserDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`last_admin`", body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<UpdateUserRequest>,
) -> Result<web::Json<UserDto>, ApiError> {
    Ok(web::Json(state.kite.users().update(&ctx, UserId(*id), &body).await?))
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_users);
    cfg.service(invite_user);
    cfg.service(get_user);
    cfg.service(update_user);
}
