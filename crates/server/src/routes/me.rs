use crate::error::ApiError;
use crate::extract::Auth;
use crate::startup::AppState;
use actix_web::{get, web};
use kite_shared::ErrorBody;
use kite_shared::auth::MeResponse;

/// The signed-in user, their organization and what their role allows.
#[utoipa::path(
    tag = "auth",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, body = MeResponse),
        (status = 401, body = ErrorBody),
    )
)]
#[get("/me")]
pub async fn me(state: web::Data<AppState>, Auth(ctx): Auth) -> Result<web::Json<MeResponse>, ApiError> {
    Ok(web::Json(state.kite.auth().me(&ctx).await?))
}
