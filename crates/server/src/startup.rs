//! Building the application: state, routes, middleware, and the HTTP server.

use crate::config::Config;
use crate::error::{ApiError, json_error, path_error, query_error};
use crate::key_limits::KeyBudget;
use crate::openapi::{ApiDoc, with_api_keys, with_error_responses};
use crate::rate_limit::{ClientIp, governor};
use crate::routes::{
    activities, analytics, api_keys, approvals, audit, auth, calendar, campaigns, companies, contact_emails, contacts,
    custom_fields, dashboards, deals, drafts, email_templates, events, exports, health, imports, inbound, insights,
    jobs, me, merge, outbox, pipelines, provider_webhooks, records, scheduled_exports, sequences, stages, suggestions,
    suppressions, tags, users, webhooks,
};
use crate::state::AppState;
use crate::{calendar_feed, metrics, public_links, security_headers, spa};
use actix_governor::Governor;
use actix_governor::GovernorConfig;
use actix_governor::governor::clock::QuantaInstant;
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Compress;
use actix_web::{App, HttpMessage, HttpServer, web};
use anyhow::Result;
use kite_jobs::Workers;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

type Limiter = GovernorConfig<ClientIp, NoOpMiddleware<QuantaInstant>>;

/// Settings the app factory needs besides the state. Rate limiters are built once and
/// shared, so every worker thread counts against the same buckets.
#[derive(Clone)]
pub struct AppSettings {
    /// `None`: the SPA embedded in the binary.
    pub static_dir: Option<PathBuf>,
    pub max_json_bytes: usize,
    /// Whether Kite's public URL is https, so browsers must keep to TLS.
    pub https: bool,
    auth_limiter: Limiter,
    api_limiter: Limiter,
    trusted_proxies: crate::client_ip::TrustedProxies,
}

impl AppSettings {
    pub fn new(config: &Config) -> Self {
        Self {
            static_dir: config.static_dir.clone(),
            max_json_bytes: config.max_json_bytes,
            https: config.public_url.starts_with("https://"),
            auth_limiter: governor(&config.auth_rate_limit, &config.trusted_proxies),
            api_limiter: governor(&config.api_rate_limit, &config.trusted_proxies),
            trusted_proxies: config.trusted_proxies.clone(),
        }
    }
}

/// `/api/v1`, with every route documented.
fn api(
    settings: AppSettings,
) -> utoipa_actix_web::scope::Scope<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    scope("/api/v1")
        .wrap(Governor::new(&settings.api_limiter))
        .service(
            scope("/auth")
                .wrap(Governor::new(&settings.auth_limiter))
                .configure(auth::configure),
        )
        .configure(health::configure)
        .configure(me::configure)
        .configure(users::configure)
        .configure(api_keys::configure)
        .configure(webhooks::configure)
        .configure(audit::configure)
        .configure(outbox::configure)
        .configure(exports::configure)
        .configure(merge::configure)
        .configure(companies::configure)
        .configure(contacts::configure)
        .configure(pipelines::configure)
        .configure(stages::configure)
        .configure(tags::configure)
        .configure(custom_fields::configure)
        .configure(deals::configure)
        .configure(activities::configure)
        .configure(calendar::configure)
        .configure(records::configure)
        .configure(imports::configure)
        .configure(scheduled_exports::configure)
        .configure(approvals::configure)
        .configure(email_templates::configure)
        .configure(campaigns::configure)
        .configure(sequences::configure)
        .configure(analytics::configure)
        .configure(dashboards::configure)
        .configure(insights::configure)
        .configure(suggestions::configure)
        .configure(drafts::configure)
        .configure(contact_emails::configure)
        .configure(suppressions::configure)
        .configure(provider_webhooks::configure)
        .configure(inbound::configure)
        .configure(jobs::configure)
        .configure(events::configure)
        .default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(ApiError::RouteNotFound)
        }))
}

/// The OpenAPI document, built from the same route table the app serves.
pub fn openapi(settings: AppSettings) -> utoipa::openapi::OpenApi {
    let doc = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api(settings))
        .split_for_parts()
        .1;
    with_error_responses(with_api_keys(doc))
}

pub fn app(
    state: AppState,
    settings: AppSettings,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let metrics = state.metrics.clone();
    App::new()
        .app_data(web::Data::new(state))
        .app_data(settings.trusted_proxies.clone())
        .app_data(
            web::JsonConfig::default()
                .limit(settings.max_json_bytes)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        // Raw bodies: SendGrid's event batches.
        .app_data(web::PayloadConfig::new(8 * 1024 * 1024))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api(settings.clone()))
        .openapi_service(|doc| {
            SwaggerUi::new("/api-docs/{_:.*}").url("/api-docs/openapi.json", with_error_responses(with_api_keys(doc)))
        })
        .into_app()
        .configure(public_links::configure)
        .configure(calendar_feed::configure)
        .configure(metrics::configure)
        .configure(spa::configure(settings.static_dir))
        .wrap(Compress::default())
        .wrap_fn(move |req, srv| {
            use actix_web::dev::Service;
            let request_id = req.extensions().get::<RequestId>().copied();
            let started = std::time::Instant::now();
            let response = srv.call(req);
            let metrics = metrics.clone();
            async move {
                let mut response = response.await?;
                let request = response.request();
                let route = request.match_pattern().unwrap_or_else(|| "unmatched".into());
                metrics.observe(
                    request.method().as_str(),
                    &route,
                    response.status().as_u16(),
                    started.elapsed(),
                );
                let path = request.path().to_owned();
                security_headers::apply(response.headers_mut(), &path, settings.https);
                if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id.to_string()).ok()) {
                    response
                        .headers_mut()
                        .insert(HeaderName::from_static("x-request-id"), id);
                }
                let budget = response.request().extensions().get::<KeyBudget>().copied();
                if let Some(budget) = budget {
                    let headers = response.headers_mut();
                    for (name, value) in [
                        ("ratelimit-limit", u64::from(budget.limit)),
                        ("ratelimit-remaining", u64::from(budget.remaining)),
                        ("ratelimit-reset", budget.reset_secs),
                    ] {
                        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
                    }
                }
                Ok(response)
            }
        })
        .wrap(TracingLogger::default())
}

/// What runs beside the HTTP server: the job workers and, on PostgreSQL, the listener
/// that brings other instances' events to this one's streams.
pub struct Background {
    workers: Option<Workers>,
    running: Arc<AtomicBool>,
    listener: Option<tokio::task::JoinHandle<()>>,
}

impl Background {
    pub fn start(state: &AppState, config: &Config) -> Background {
        let kite = state.kite.clone();
        let listener = (kite.db.get_database_backend() == sea_orm::DbBackend::Postgres).then(|| {
            let kite = kite.clone();
            tokio::spawn(async move { kite.events.listen_postgres(kite.db.clone()).await })
        });
        let workers =
            (config.workers > 0).then(|| Workers::start(kite, kite_jobs::kinds::all(), config.worker_config()));
        let running = state.workers_running.clone();
        running.store(workers.is_some(), Ordering::Relaxed);
        Background {
            workers,
            running,
            listener,
        }
    }

    /// Lets running jobs finish (up to 20 s) and stops listening.
    pub async fn stop(mut self) {
        self.running.store(false, Ordering::Relaxed);
        if let Some(workers) = self.workers.take() {
            workers.shutdown(std::time::Duration::from_secs(20)).await;
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(listener) = &self.listener {
            listener.abort();
        }
    }
}

/// Binds and runs until SIGINT/SIGTERM, then finishes in-flight requests and jobs.
pub async fn serve(config: Config) -> Result<()> {
    let state = AppState::build(&config).await?;
    let background = Background::start(&state, &config);
    let settings = AppSettings::new(&config);
    let listener = TcpListener::bind(&config.bind)?;
    let spa = match &settings.static_dir {
        Some(dir) => dir.display().to_string(),
        None if spa::embedded() => "embedded".into(),
        None => "not built".into(),
    };
    // The address bound, not the one asked for: with port 0 the system picks it.
    let address = listener.local_addr()?;
    tracing::info!(%address, %spa, "Kite is listening");
    HttpServer::new(move || app(state.clone(), settings.clone()))
        .listen(listener)?
        // Longer than a load balancer's idle timeout (60 s on most): a connection the
        // balancer reuses must not be one Kite has just closed, or its request fails.
        .keep_alive(std::time::Duration::from_secs(75))
        // actix's 5 s for a request's head counts from the connection's accept: a busy
        // server answered 408 to 2 of 256,826 soak requests that it had been slow to read.
        // 30 s still drops clients that open a connection and send nothing.
        .client_request_timeout(std::time::Duration::from_secs(30))
        .shutdown_timeout(20)
        .run()
        .await?;
    background.stop().await;
    tracing::info!("Kite stopped");
    Ok(())
}
