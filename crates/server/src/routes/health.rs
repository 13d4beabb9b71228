use crate::db::backend_name;
use crate::state::AppState;
use actix_web::{HttpResponse, get, web};
use kite_shared::health::{Health, Readiness};
use migration::{Migrator, MigratorTrait};
use std::sync::atomic::Ordering;
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

/// Readiness: the database answers, its schema is this binary's, and the job workers
/// run. A load balancer sends traffic only to an instance that answers 200.
#[utoipa::path(
    tag = "system",
    responses(
        (status = 200, description = "Ready for traffic", body = Readiness),
        (status = 503, description = "A check failed; the body says which", body = Readiness),
    )
)]
#[get("/ready")]
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let db = &state.kite.db;
    let database = match db.ping().await {
        Ok(()) => "ok",
        Err(error) => {
            tracing::error!(%error, "readiness: the database does not answer");
            "unavailable"
        }
    };
    let migrations = match Migrator::get_pending_migrations(db).await {
        Ok(pending) if pending.is_empty() => "applied",
        Ok(_) => "pending",
        Err(error) => {
            tracing::error!(%error, "readiness: cannot read the applied migrations");
            "unknown"
        }
    };
    let workers = if !state.workers_expected {
        "disabled"
    } else if state.workers_running.load(Ordering::Relaxed) {
        "running"
    } else {
        "stopped"
    };
    let ok = database == "ok" && migrations == "applied" && workers != "stopped";
    let body = Readiness {
        status: if ok { "ready" } else { "not_ready" }.into(),
        database: database.into(),
        migrations: migrations.into(),
        workers: workers.into(),
    };
    if ok {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// This module's routes, in the order they must be matched.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health).service(ready);
}
