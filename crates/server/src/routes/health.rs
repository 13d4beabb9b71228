use crate::db::backend_name;
use crate::startup::AppState;
use actix_web::{HttpResponse, get, web};
use kite_shared::health::Health;

/// Liveness and database reachability, for load balancers and monitoring.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, description = "Kite and its database answer", body = Health),
        (status = 503, description = "The database does not answer", body = Health),
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let db = &state.kite.db;
    let (ok, database) = match db.ping().await {
        Ok(()) => (true, "ok".to_owned()),
        Err(e) => (false, e.to_string()),
    };
    let body = Health {
        status: if ok { "ok" } else { "degraded" }.into(),
        database,
        database_backend: backend_name(db).into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}
