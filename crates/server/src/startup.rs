//! Building the application: state, routes, middleware, and the HTTP server.

use crate::config::Config;
use crate::error::{ApiError, json_error, path_error, query_error};
use crate::openapi::ApiDoc;
use crate::rate_limit::{ClientIp, governor};
use crate::routes::{
    activities, audit, auth, companies, contacts, deals, events, exports, health, imports, jobs, me, merge, outbox,
    pipelines, records, scheduled_exports, stages, tags, users,
};
use crate::{db, spa};
use actix_governor::Governor;
use actix_governor::GovernorConfig;
use actix_governor::governor::clock::QuantaInstant;
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{App, HttpMessage, HttpServer, web};
use anyhow::Result;
use kite_core::Kite;
use kite_email::{EmailSender, OutboxSender, SendGridSender};
use kite_jobs::Workers;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub kite: Kite,
    /// Largest file an import accepts.
    pub max_upload_bytes: usize,
}

impl AppState {
    /// Connects, migrates, and picks the email sender: SendGrid when a key is set,
    /// the outbox table otherwise.
    pub async fn build(config: &Config) -> Result<Self> {
        let db = db::connect(&config.database_url).await?;
        db::migrate(&db).await?;
        let email: Arc<dyn EmailSender> = match &config.sendgrid {
            Some(sendgrid) => Arc::new(SendGridSender::new(sendgrid.clone())?),
            None => Arc::new(OutboxSender::new(db.clone())),
        };
        tracing::info!(
            database = %db::redact(&config.database_url),
            email = email.kind(),
            "state ready"
        );
        Ok(Self {
            kite: Kite::new(db, config.core_settings(), email),
            max_upload_bytes: config.max_upload_bytes,
        })
    }
}

type Limiter = GovernorConfig<ClientIp, NoOpMiddleware<QuantaInstant>>;

/// Settings the app factory needs besides the state. Rate limiters are built once and
/// shared, so every worker thread counts against the same buckets.
#[derive(Clone)]
pub struct AppSettings {
    pub static_dir: PathBuf,
    pub max_json_bytes: usize,
    auth_limiter: Limiter,
    api_limiter: Limiter,
}

impl AppSettings {
    pub fn new(config: &Config) -> Self {
        Self {
            static_dir: config.static_dir.clone(),
            max_json_bytes: config.max_json_bytes,
            auth_limiter: governor(&config.auth_rate_limit),
            api_limiter: governor(&config.api_rate_limit),
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
                .service(auth::signup)
                .service(auth::login)
                .service(auth::refresh)
                .service(auth::logout)
                .service(auth::request_password_reset)
                .service(auth::confirm_password_reset)
                .service(auth::accept_invitation),
        )
        .service(health::health)
        .service(me::me)
        .service(me::update_profile)
        .service(me::change_password)
        .service(users::list_users)
        .service(users::invite_user)
        .service(users::get_user)
        .service(users::update_user)
        .service(audit::list_audit_log)
        .service(outbox::list_outbox)
        .service(exports::export_contacts)
        .service(exports::export_companies)
        .service(exports::export_deals)
        .service(merge::company_duplicates)
        .service(merge::merge_companies)
        .service(merge::contact_duplicates)
        .service(merge::merge_contacts)
        .service(companies::list_companies)
        .service(companies::create_company)
        .service(companies::get_company)
        .service(companies::update_company)
        .service(companies::delete_company)
        .service(companies::restore_company)
        .service(contacts::list_contacts)
        .service(contacts::create_contact)
        .service(contacts::get_contact)
        .service(contacts::update_contact)
        .service(contacts::delete_contact)
        .service(contacts::restore_contact)
        .service(pipelines::list_pipelines)
        .service(pipelines::create_pipeline)
        .service(pipelines::get_pipeline)
        .service(pipelines::board)
        .service(pipelines::search)
        .service(pipelines::load_demo_data)
        .service(stages::update_pipeline)
        .service(stages::delete_pipeline)
        .service(stages::add_stage)
        .service(stages::reorder_stages)
        .service(stages::update_stage)
        .service(stages::delete_stage)
        .service(tags::list_tags)
        .service(tags::create_tag)
        .service(tags::update_tag)
        .service(tags::delete_tag)
        .service(deals::list_deals)
        .service(deals::create_deal)
        .service(deals::get_deal)
        .service(deals::update_deal)
        .service(deals::move_deal)
        .service(deals::deal_history)
        .service(deals::delete_deal)
        .service(deals::restore_deal)
        .service(activities::list_activities)
        .service(activities::create_activity)
        .service(activities::update_activity)
        .service(activities::delete_activity)
        .service(activities::my_tasks)
        .service(records::trash)
        .service(records::delete_note)
        .service(records::list_notes)
        .service(records::create_note)
        .service(records::timeline)
        .service(records::bulk)
        .service(imports::upload)
        .service(imports::list_imports)
        .service(imports::get_import)
        .service(imports::set_mapping)
        .service(imports::dry_run)
        .service(imports::run_import)
        .service(imports::undo_import)
        .service(imports::failed_rows)
        .service(scheduled_exports::list_scheduled_exports)
        .service(scheduled_exports::create_scheduled_export)
        .service(scheduled_exports::get_scheduled_export)
        .service(scheduled_exports::update_scheduled_export)
        .service(scheduled_exports::delete_scheduled_export)
        .service(scheduled_exports::run_scheduled_export)
        .service(scheduled_exports::list_export_runs)
        .service(scheduled_exports::export_run_file)
        .service(jobs::get_job)
        .service(jobs::cancel_job)
        .service(events::event_ticket)
        .service(events::events)
        .default_service(web::to(|| async {
            Err::<actix_web::HttpResponse, _>(ApiError::RouteNotFound)
        }))
}

/// The OpenAPI document, built from the same route table the app serves.
pub fn openapi(settings: AppSettings) -> utoipa::openapi::OpenApi {
    App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api(settings))
        .split_for_parts()
        .1
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
    App::new()
        .app_data(web::Data::new(state))
        .app_data(
            web::JsonConfig::default()
                .limit(settings.max_json_bytes)
                .error_handler(json_error),
        )
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api(settings.clone()))
        .openapi_service(|doc| SwaggerUi::new("/api-docs/{_:.*}").url("/api-docs/openapi.json", doc))
        .into_app()
        .service(spa::service(settings.static_dir))
        .wrap(Compress::default())
        .wrap(
            DefaultHeaders::new()
                .add(("X-Content-Type-Options", "nosniff"))
                .add(("X-Frame-Options", "DENY"))
                .add(("Referrer-Policy", "same-origin")),
        )
        .wrap_fn(|req, srv| {
            use actix_web::dev::Service;
            let request_id = req.extensions().get::<RequestId>().copied();
            let response = srv.call(req);
            async move {
                let mut response = response.await?;
                if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id.to_string()).ok()) {
                    response
                        .headers_mut()
                        .insert(HeaderName::from_static("x-request-id"), id);
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
        Background { workers, listener }
    }

    /// Lets running jobs finish (up to 20 s) and stops listening.
    pub async fn stop(mut self) {
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
    tracing::info!(address = %config.bind, static_dir = %settings.static_dir.display(), "Kite is listening");
    HttpServer::new(move || app(state.clone(), settings.clone()))
        .listen(listener)?
        .shutdown_timeout(20)
        .run()
        .await?;
    background.stop().await;
    tracing::info!("Kite stopped");
    Ok(())
}
