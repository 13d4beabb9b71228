//! Prometheus metrics at `/metrics`: requests and their latency by route and status, the
//! job queue, live streams and the database pool. Only for monitoring: with a
//! `KITE_METRICS_TOKEN` a scraper presents it as a bearer token; without one only a
//! direct local connection (not one relayed by a proxy) may read them.

use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use kite_core::{CoreError, Kite};
use prometheus::{
    Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::DbBackend;
use std::time::Duration;
use subtle::ConstantTimeEq;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    /// Open event streams.
    pub sse_clients: IntGauge,
    jobs_due: IntGauge,
    jobs_running: IntGauge,
    jobs_oldest_due: Gauge,
    db_connections: IntGaugeVec,
}

impl Metrics {
    pub fn new() -> Result<Metrics, prometheus::Error> {
        let registry = Registry::new_custom(Some("kite".into()), None)?;
        let requests = IntCounterVec::new(
            Opts::new("http_requests_total", "Requests answered, by route pattern and status"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "Time to answer, by route pattern").buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
            ]),
            &["method", "route"],
        )?;
        let sse_clients = IntGauge::new("sse_clients", "Open live event streams")?;
        let jobs_due = IntGauge::new("jobs_due", "Queued jobs whose time has come")?;
        let jobs_running = IntGauge::new("jobs_running", "Jobs a worker is running")?;
        let jobs_oldest_due = Gauge::new("jobs_oldest_due_seconds", "How long the oldest due job has waited")?;
        let db_connections = IntGaugeVec::new(
            Opts::new("db_pool_connections", "This instance's database connections"),
            &["state"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(sse_clients.clone()))?;
        registry.register(Box::new(jobs_due.clone()))?;
        registry.register(Box::new(jobs_running.clone()))?;
        registry.register(Box::new(jobs_oldest_due.clone()))?;
        registry.register(Box::new(db_connections.clone()))?;
        Ok(Metrics {
            registry,
            requests,
            latency,
            sse_clients,
            jobs_due,
            jobs_running,
            jobs_oldest_due,
            db_connections,
        })
    }

    /// `route` is the matched pattern (`/api/v1/contacts/{id}`), never the raw path, so
    /// the number of series stays bounded.
    pub fn observe(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(elapsed.as_secs_f64());
    }

    async fn render(&self, kite: &Kite) -> Result<String, CoreError> {
        let queue = kite.queue().stats().await?;
        self.jobs_due.set(i64::try_from(queue.due).unwrap_or(i64::MAX));
        self.jobs_running.set(i64::try_from(queue.running).unwrap_or(i64::MAX));
        self.jobs_oldest_due.set(queue.oldest_due_seconds);
        let (open, idle, max) = match kite.db.get_database_backend() {
            DbBackend::Postgres => {
                let pool = kite.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            _ => {
                let pool = kite.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        self.db_connections.with_label_values(&["idle"]).set(idle);
        self.db_connections
            .with_label_values(&["in_use"])
            .set(i64::from(open) - idle);
        self.db_connections.with_label_values(&["max"]).set(i64::from(max));
        TextEncoder::new()
            .encode_to_string(&self.registry.gather())
            .map_err(|e| CoreError::Internal(format!("metrics: {e}")))
    }
}

/// Keeps the open-streams gauge right however a stream ends.
pub struct StreamOpen(IntGauge);

impl StreamOpen {
    pub fn new(gauge: &IntGauge) -> StreamOpen {
        gauge.inc();
        StreamOpen(gauge.clone())
    }
}

impl Drop for StreamOpen {
    fn drop(&mut self) {
        self.0.dec();
    }
}

fn may_read(req: &HttpRequest, token: Option<&str>) -> bool {
    match token {
        Some(token) => req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|presented| bool::from(presented.as_bytes().ct_eq(token.as_bytes()))),
        None => {
            let relayed = ["forwarded", "x-forwarded-for", "x-real-ip"]
                .iter()
                .any(|name| req.headers().contains_key(*name));
            !relayed && req.peer_addr().is_some_and(|peer| peer.ip().is_loopback())
        }
    }
}

async fn metrics(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if !may_read(&req, state.metrics_token.as_deref()) {
        return Err(CoreError::Forbidden.into());
    }
    let text = state.metrics.render(&state.kite).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/metrics", web::get().to(metrics));
}
