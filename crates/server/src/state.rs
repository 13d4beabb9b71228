//! What every handler reaches: the services and the limits routes check themselves.

use crate::config::Config;
use crate::db;
use crate::key_limits::KeyLimits;
use crate::metrics::Metrics;
use anyhow::Result;
use kite_ai::Drafter;
use kite_core::Kite;
use kite_email::{EmailSender, OutboxSender, SendGridSender};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub kite: Kite,
    /// Writes email drafts: the configured model, or the built-in writer.
    pub drafter: Arc<Drafter>,
    /// Each API key's request budget.
    pub key_limits: Arc<KeyLimits>,
    /// Largest file an import accepts.
    pub max_upload_bytes: usize,
    pub metrics: Arc<Metrics>,
    /// What a scraper presents to read `/metrics`; without it, local connections may.
    pub metrics_token: Option<String>,
    /// Whether this instance runs job workers at all (`KITE_WORKERS` > 0)...
    pub workers_expected: bool,
    /// ...and whether they run now (false until started and once stopping).
    pub workers_running: Arc<AtomicBool>,
}

impl AppState {
    /// Connects, migrates, and picks the email sender: SendGrid when a key is set,
    /// the outbox table otherwise.
    pub async fn build(config: &Config) -> Result<Self> {
        let db = db::connect(&config.database_url, config.database_max_connections).await?;
        db::migrate(&db).await?;
        let email: Arc<dyn EmailSender> = match &config.sendgrid {
            Some(sendgrid) => Arc::new(SendGridSender::new(sendgrid.clone())?),
            None => Arc::new(OutboxSender::new(db.clone())),
        };
        let drafter = Drafter::new(config.ai.as_ref())?;
        tracing::info!(
            database = %db::redact(&config.database_url),
            email = email.kind(),
            ai_model = config.ai.as_ref().map(|ai| ai.model.as_str()).unwrap_or("built-in writer"),
            "state ready"
        );
        Ok(Self {
            kite: Kite::new(db, config.core_settings(), email),
            drafter: Arc::new(drafter),
            key_limits: Arc::default(),
            max_upload_bytes: config.max_upload_bytes,
            metrics: Arc::new(Metrics::new()?),
            metrics_token: config.metrics_token.clone(),
            workers_expected: config.workers > 0,
            workers_running: Arc::default(),
        })
    }
}
