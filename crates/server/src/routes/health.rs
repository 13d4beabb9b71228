use crate::db::backend_name;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use kite_shared::health::Health;
use utoipa_actix_web::service_config::ServiceConfig;

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
        Ok(()) => (true, "ok"),
        Err(error) => {
            // The error names hosts, users and pool internals: it goes to the log, and
            // the anonymous caller only learns that the database does not answer.
            tracing::error!(%error, "health check: the database does not answer");
            (false, "unavailable")
        }
    };
    let body = Health {
        status: if ok { "ok" } else { "degraded" }.into(),
        database: database.into(),
        database_backend: backend_name(db).into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health);
}
