//! `/api/v1/approval-workflows` (admins define which deal moves need whose sign-off)
//! and `/api/v1/approvals` (the requests those moves raise, and the decisions on them).

use crate::error::ApiError;
use crate::extract::{Auth, ListQuery};
use crate::state::AppState;
use actix_web::{HttpResponse, delete, get, post, put, web};
use kite_shared::ErrorBody;
use kite_shared::approvals::{
    ApprovalCounts, ApprovalListQuery, ApprovalRequestDto, ApprovalSummary, ApprovalWorkflowDto, ApprovalWorkflowInput,
    DecisionInput, NewApprovalRequest, ReassignInput, WorkflowPreview,
};
use kite_shared::page::{Page, PageQuery};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The organization's workflows in the order they are tried: lowest priority first,
/// then the oldest. Only the first that matches a move holds it.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    responses((status = 200, body = Vec<ApprovalWorkflowDto>))
)]
#[get("/approval-workflows")]
pub async fn list_workflows(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<Vec<ApprovalWorkflowDto>>, ApiError> {
    Ok(web::Json(state.kite.approvals().list_workflows(&ctx).await?))
}

/// Defines a workflow (admins): the stage it guards, its conditions (strictly above the
/// amounts given) and its steps.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    request_body = ApprovalWorkflowInput,
    responses(
        (status = 201, body = ApprovalWorkflowDto),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/approval-workflows")]
pub async fn create_workflow(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<ApprovalWorkflowInput>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.approvals().create_workflow(&ctx, &body).await?))
}

/// Which open deals a draft workflow would hold if they were moved into its stage today.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    request_body = ApprovalWorkflowInput,
    responses(
        (status = 200, body = WorkflowPreview),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/approval-workflows/preview")]
pub async fn preview_workflow(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<ApprovalWorkflowInput>,
) -> Result<web::Json<WorkflowPreview>, ApiError> {
    Ok(web::Json(state.kite.approvals().preview(&ctx, &body).await?))
}

#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ApprovalWorkflowDto), (status = 404, body = ErrorBody))
)]
#[get("/approval-workflows/{id}")]
pub async fn get_workflow(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApprovalWorkflowDto>, ApiError> {
    Ok(web::Json(state.kite.approvals().get_workflow(&ctx, *id).await?))
}

/// Requests already made keep the steps they were made with.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = ApprovalWorkflowInput,
    responses(
        (status = 200, body = ApprovalWorkflowDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[put("/approval-workflows/{id}")]
pub async fn update_workflow(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<ApprovalWorkflowInput>,
) -> Result<web::Json<ApprovalWorkflowDto>, ApiError> {
    Ok(web::Json(
        state.kite.approvals().update_workflow(&ctx, *id, &body).await?,
    ))
}

#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody))
)]
#[delete("/approval-workflows/{id}")]
pub async fn delete_workflow(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    state.kite.approvals().delete_workflow(&ctx, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Asks for the move of a deal into a guarded stage (what a move answered with 409
/// `approval_required`). The deal stays where it is until the last step approves.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    request_body = NewApprovalRequest,
    responses(
        (status = 201, body = ApprovalRequestDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/approvals")]
pub async fn create_request(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    body: web::Json<NewApprovalRequest>,
) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Created().json(state.kite.approvals().request(&ctx, &body).await?))
}

/// One box of the inbox (`waiting` for me, `mine`, or `all` for managers and admins),
/// newest first.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(ApprovalListQuery, PageQuery),
    responses(
        (status = 200, body = Page<ApprovalSummary>),
        (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[get("/approvals")]
pub async fn list_requests(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    query: ListQuery<ApprovalListQuery>,
) -> Result<web::Json<Page<ApprovalSummary>>, ApiError> {
    Ok(web::Json(
        state.kite.approvals().list(&ctx, &query.filters, &query.page).await?,
    ))
}

/// Pending requests per box: the inbox's tabs and the sidebar's badge.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    responses((status = 200, body = ApprovalCounts))
)]
#[get("/approvals/counts")]
pub async fn request_counts(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
) -> Result<web::Json<ApprovalCounts>, ApiError> {
    Ok(web::Json(state.kite.approvals().counts(&ctx).await?))
}

/// The request with its snapshot, steps, approvers, trail, and what you may do.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ApprovalRequestDto), (status = 404, body = ErrorBody))
)]
#[get("/approvals/{id}")]
pub async fn get_request(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
) -> Result<web::Json<ApprovalRequestDto>, ApiError> {
    Ok(web::Json(state.kite.approvals().get(&ctx, *id).await?))
}

/// Approves the current step for yourself. The last approval needed moves the deal, in
/// the same transaction.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionInput,
    responses(
        (status = 200, body = ApprovalRequestDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[post("/approvals/{id}/approve")]
pub async fn approve(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<DecisionInput>,
) -> Result<web::Json<ApprovalRequestDto>, ApiError> {
    Ok(web::Json(state.kite.approvals().approve(&ctx, *id, &body).await?))
}

/// Rejects the request, with a comment saying why; the deal stays where it is.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionInput,
    responses(
        (status = 200, body = ApprovalRequestDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/approvals/{id}/reject")]
pub async fn reject(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<DecisionInput>,
) -> Result<web::Json<ApprovalRequestDto>, ApiError> {
    Ok(web::Json(state.kite.approvals().reject(&ctx, *id, &body).await?))
}

/// Takes the request back (its requester, or an admin).
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionInput,
    responses(
        (status = 200, body = ApprovalRequestDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
    )
)]
#[post("/approvals/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<DecisionInput>,
) -> Result<web::Json<ApprovalRequestDto>, ApiError> {
    Ok(web::Json(state.kite.approvals().withdraw(&ctx, *id, &body).await?))
}

/// Adds a comment to the request's trail, open or closed.
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = DecisionInput,
    responses(
        (status = 200, body = ApprovalRequestDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/approvals/{id}/comment")]
pub async fn comment(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<DecisionInput>,
) -> Result<web::Json<ApprovalRequestDto>, ApiError> {
    Ok(web::Json(state.kite.approvals().comment(&ctx, *id, &body).await?))
}

/// Hands one approver's undecided say in the current step to someone else (admins).
#[utoipa::path(
    tag = "approvals",
    security(("bearer_auth" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReassignInput,
    responses(
        (status = 200, body = ApprovalRequestDto),
        (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody),
    )
)]
#[post("/approvals/{id}/reassign")]
pub async fn reassign(
    state: web::Data<AppState>,
    Auth(ctx): Auth,
    id: web::Path<Uuid>,
    body: web::Json<ReassignInput>,
) -> Result<web::Json<ApprovalRequestDto>, ApiError> {
    Ok(web::Json(state.kite.approvals().reassign(&ctx, *id, &body).await?))
}

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_workflows);
    cfg.service(create_workflow);
    cfg.service(preview_workflow);
    cfg.service(get_workflow);
    cfg.service(update_workflow);
    cfg.service(delete_workflow);
    cfg.service(create_request);
    cfg.service(list_requests);
    cfg.service(request_counts);
    cfg.service(get_request);
    cfg.service(approve);
    cfg.service(reject);
    cfg.service(withdraw);
    cfg.service(comment);
    cfg.service(reassign);
}
