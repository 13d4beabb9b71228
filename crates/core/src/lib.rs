//! Kite's domain services. Every service method takes the request context ([`Ctx`]) so
//! that it can check the caller's permission and scope its queries to the caller's
//! organization; nothing here knows about HTTP.

pub mod audit;
pub mod auth;
pub mod crm;
pub mod ctx;
pub mod error;
pub mod events;
pub mod exports;
pub mod imports;
pub mod jobs;
pub mod mail;
pub mod outbox;
pub mod scheduled_exports;
pub mod schedules;
pub mod settings;
pub mod users;

mod dto;
mod paging;
mod txn;

pub use ctx::{ClientInfo, Ctx};
pub use error::{AuthFailure, CoreError};
pub use settings::Settings;
pub use txn::WriteTxn;

use kite_email::EmailSender;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The services and what they share: the database pool, the settings and the mailer.
#[derive(Clone)]
pub struct Kite {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub email: Arc<dyn EmailSender>,
    pub counts: Arc<crm::CountCache>,
    pub events: Arc<events::EventBus>,
    /// Woken when a job is queued, so an idle worker in this process starts at once.
    pub jobs_waiting: Arc<tokio::sync::Notify>,
    /// Present on SQLite only: see [`WriteTxn`].
    write_turns: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl Kite {
    pub fn new(db: DatabaseConnection, settings: Settings, email: Arc<dyn EmailSender>) -> Self {
        Self {
            settings: Arc::new(settings),
            email,
            counts: Arc::default(),
            events: Arc::default(),
            jobs_waiting: Arc::default(),
            write_turns: (db.get_database_backend() == sea_orm::DbBackend::Sqlite).then(Arc::default),
            db,
        }
    }

    /// Starts a write transaction; every mutation goes through here.
    pub async fn begin(&self) -> Result<WriteTxn, sea_orm::DbErr> {
        WriteTxn::begin(&self.db, self.write_turns.as_ref()).await
    }

    /// On SQLite, a job claim takes its turn with the writers.
    pub(crate) async fn claim_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.write_turns {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }

    pub fn queue(&self) -> jobs::JobQueue<'_> {
        jobs::JobQueue::new(self)
    }

    pub fn exports(&self) -> exports::ExportService<'_> {
        exports::ExportService::new(self)
    }

    pub fn scheduled_exports(&self) -> scheduled_exports::ScheduledExportService<'_> {
        scheduled_exports::ScheduledExportService::new(self)
    }

    pub fn imports(&self) -> imports::ImportService<'_> {
        imports::ImportService::new(self)
    }

    pub fn jobs(&self) -> jobs::JobService<'_> {
        jobs::JobService::new(self)
    }

    pub fn events(&self) -> events::EventService<'_> {
        events::EventService::new(self)
    }

    pub fn auth(&self) -> auth::AuthService<'_> {
        auth::AuthService::new(self)
    }

    pub fn users(&self) -> users::UserService<'_> {
        users::UserService::new(self)
    }

    pub fn audit(&self) -> audit::AuditService<'_> {
        audit::AuditService::new(self)
    }

    pub fn outbox(&self) -> outbox::OutboxService<'_> {
        outbox::OutboxService::new(self)
    }

    pub fn companies(&self) -> crm::companies::CompanyService<'_> {
        crm::companies::CompanyService::new(self)
    }

    pub fn contacts(&self) -> crm::contacts::ContactService<'_> {
        crm::contacts::ContactService::new(self)
    }

    pub fn pipelines(&self) -> crm::pipelines::PipelineService<'_> {
        crm::pipelines::PipelineService::new(self)
    }

    pub fn deals(&self) -> crm::deals::DealService<'_> {
        crm::deals::DealService::new(self)
    }

    pub fn board(&self) -> crm::board::BoardService<'_> {
        crm::board::BoardService::new(self)
    }

    pub fn activities(&self) -> crm::activities::ActivityService<'_> {
        crm::activities::ActivityService::new(self)
    }

    pub fn notes(&self) -> crm::notes::NoteService<'_> {
        crm::notes::NoteService::new(self)
    }

    pub fn bulk(&self) -> crm::bulk::BulkService<'_> {
        crm::bulk::BulkService::new(self)
    }

    pub fn tags(&self) -> crm::tags::TagService<'_> {
        crm::tags::TagService::new(self)
    }

    pub fn stages(&self) -> crm::stages::StageService<'_> {
        crm::stages::StageService::new(self)
    }

    pub fn merges(&self) -> crm::merge::MergeService<'_> {
        crm::merge::MergeService::new(self)
    }

    pub fn demo(&self) -> crm::demo::DemoService<'_> {
        crm::demo::DemoService::new(self)
    }

    pub fn search(&self) -> crm::search::SearchService<'_> {
        crm::search::SearchService::new(self)
    }

    pub fn timeline(&self) -> crm::timeline::TimelineService<'_> {
        crm::timeline::TimelineService::new(self)
    }
}
