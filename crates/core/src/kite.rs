//! The handle every service works through: the database pool, the settings and what
//! the services share. It names no service: each service is reached through
//! [`crate::services`], so no service module and this one import each other.

use crate::blobs::BlobStore;
use crate::crm::counts::CountCache;
use crate::events::bus::EventBus;
use crate::{Settings, WriteTxn};
use kite_email::EmailSender;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// The services and what they share: the database pool, the settings and the mailer.
#[derive(Clone)]
pub struct Kite {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub email: Arc<dyn EmailSender>,
    /// Where uploaded and generated files are kept.
    pub blobs: Arc<dyn BlobStore>,
    pub counts: Arc<CountCache>,
    pub events: Arc<EventBus>,
    /// Woken when a job is queued, so an idle worker in this process starts at once.
    pub jobs_waiting: Arc<tokio::sync::Notify>,
    /// Woken when a write transaction commits, so the event dispatcher looks at once.
    pub events_waiting: Arc<tokio::sync::Notify>,
    /// Present on SQLite only: see [`WriteTxn`].
    write_turns: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl Kite {
    pub fn new(db: DatabaseConnection, settings: Settings, email: Arc<dyn EmailSender>) -> Self {
        Self {
            blobs: Arc::new(crate::blobs::LocalDirStore::new(settings.data_dir.clone())),
            settings: Arc::new(settings),
            email,
            counts: Arc::default(),
            events: Arc::default(),
            jobs_waiting: Arc::default(),
            events_waiting: Arc::default(),
            write_turns: (db.get_database_backend() == sea_orm::DbBackend::Sqlite).then(Arc::default),
            db,
        }
    }

    /// Starts a write transaction; every mutation goes through here.
    pub async fn begin(&self) -> Result<WriteTxn, sea_orm::DbErr> {
        WriteTxn::begin(&self.db, self.write_turns.as_ref(), self.events_waiting.clone()).await
    }

    /// On SQLite, a job claim takes its turn with the writers.
    pub(crate) async fn claim_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.write_turns {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }
}
