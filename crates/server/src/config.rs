//! Configuration from the environment (and an optional `.env`), with defaults that run
//! Kite on SQLite in `./data` with nothing set.

use anyhow::{Context, Result};
use kite_ai::{AiConfig, DEFAULT_BASE_URL, DEFAULT_MODEL};
use kite_email::events::EventWebhookKey;
use kite_email::{SENDGRID_API_BASE, SendGridConfig};
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct RateLimit {
    /// Requests allowed at once.
    pub burst: u32,
    /// Time for one request's allowance to come back.
    pub replenish_every: std::time::Duration,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// Load balancers and reverse proxies whose `X-Forwarded-For` names the client
    /// (`KITE_TRUSTED_PROXIES`, addresses and networks; unset: none).
    pub trusted_proxies: crate::client_ip::TrustedProxies,
    /// Connections this process keeps to the database at most (`KITE_DATABASE_MAX_CONNECTIONS`;
    /// unset: 20 on PostgreSQL, 8 on SQLite). Several instances share PostgreSQL's
    /// `max_connections` between them.
    pub database_max_connections: Option<u32>,
    pub jwt_secret: Vec<u8>,
    /// A built SPA to serve from disk instead of the one embedded in the binary.
    pub static_dir: Option<PathBuf>,
    pub public_url: String,
    pub sendgrid: Option<SendGridConfig>,
    /// The model that drafts emails: set by `KITE_AI_API_KEY` (OpenAI) or
    /// `KITE_AI_BASE_URL` (a local model server); without either, the built-in writer.
    pub ai: Option<AiConfig>,
    pub auth_rate_limit: RateLimit,
    pub api_rate_limit: RateLimit,
    pub lockout_threshold: u32,
    pub lockout_window_minutes: i64,
    pub lockout_minutes: i64,
    pub access_token_minutes: i64,
    pub max_json_bytes: usize,
    /// Largest file an import accepts.
    pub max_upload_bytes: usize,
    /// Background jobs this process runs at once; 0 leaves them to other instances.
    pub workers: usize,
    /// How long a job stays with a worker that stopped sending heartbeats.
    pub job_lease_seconds: i64,
    /// Rows an export reads per query.
    pub export_page_rows: u64,
    /// Verifies SendGrid's Event Webhook (`SENDGRID_WEBHOOK_PUBLIC_KEY`).
    pub sendgrid_events_key: Option<EventWebhookKey>,
    /// How long an email the provider never confirmed waits for its events before it
    /// is sent again.
    pub email_reconcile_seconds: i64,
    /// Emails a campaign batch hands to the provider at once.
    pub email_send_concurrency: usize,
    /// Keep computed reports until the records under them change (`KITE_ANALYTICS_CACHE`,
    /// default true; the benchmark turns it off to time the computing).
    pub analytics_cache: bool,
    /// Outbound webhooks: `KITE_WEBHOOKS_ALLOW_LOOPBACK` (default false: only public
    /// addresses), `KITE_WEBHOOK_TIMEOUT_SECONDS` (10), `KITE_WEBHOOK_RETRY_SECONDS`
    /// (30: the first retry's wait, the unit of the schedule).
    pub webhooks: kite_core::integrations::WebhookSettings,
    /// `KITE_METRICS_TOKEN`: the bearer token that reads `/metrics` from anywhere.
    pub metrics_token: Option<String>,
}

impl Config {
    pub fn from_env() -> Result<Self> {
        let bind = var("KITE_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let data_dir = PathBuf::from(var("KITE_DATA_DIR").unwrap_or_else(|| "./data".into()));
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;
        let database_url = var("DATABASE_URL").unwrap_or_else(|| sqlite_url(&data_dir.join("kite.db")));
        let jwt_secret = match var("KITE_JWT_SECRET") {
            Some(secret) if secret.len() >= 32 => secret.into_bytes(),
            Some(_) => anyhow::bail!("KITE_JWT_SECRET must be at least 32 characters"),
            None => load_or_create_secret(&data_dir.join("jwt_secret"))?,
        };
        let public_url = var("KITE_PUBLIC_URL").unwrap_or_else(|| format!("http://{bind}"));
        let sendgrid = var("SENDGRID_API_KEY").map(|api_key| SendGridConfig {
            api_key,
            base_url: var("SENDGRID_API_URL").unwrap_or_else(|| SENDGRID_API_BASE.into()),
            from_email: var("KITE_EMAIL_FROM").unwrap_or_else(|| "no-reply@kite.localhost".into()),
            from_name: var("KITE_EMAIL_FROM_NAME").unwrap_or_else(|| "Kite".into()),
        });
        let ai_key = var("KITE_AI_API_KEY");
        let ai_base_url = var("KITE_AI_BASE_URL");
        let ai = if ai_key.is_some() || ai_base_url.is_some() {
            Some(AiConfig {
                base_url: ai_base_url.unwrap_or_else(|| DEFAULT_BASE_URL.into()),
                api_key: ai_key,
                model: var("KITE_AI_MODEL").unwrap_or_else(|| DEFAULT_MODEL.into()),
                timeout: std::time::Duration::from_secs(parse("KITE_AI_TIMEOUT_SECONDS", 30)?),
                retry_for: std::time::Duration::from_secs(parse("KITE_AI_RETRY_SECONDS", 10)?),
                monthly_requests: parse("KITE_AI_MONTHLY_REQUESTS", 1000)?,
            })
        } else {
            None
        };
        let auth_per_minute: u32 = parse("KITE_AUTH_RATE_PER_MINUTE", 30)?;
        let api_per_second: u32 = parse("KITE_API_RATE_PER_SECOND", 100)?;
        Ok(Self {
            bind,
            data_dir,
            database_url,
            jwt_secret,
            static_dir: var("KITE_STATIC_DIR").map(PathBuf::from),
            public_url,
            sendgrid,
            ai,
            auth_rate_limit: RateLimit::per_minute(auth_per_minute),
            api_rate_limit: RateLimit::per_second(api_per_second),
            lockout_threshold: parse("KITE_LOCKOUT_THRESHOLD", 5)?,
            lockout_window_minutes: parse("KITE_LOCKOUT_WINDOW_MINUTES", 15)?,
            lockout_minutes: parse("KITE_LOCKOUT_MINUTES", 15)?,
            access_token_minutes: parse("KITE_ACCESS_TOKEN_MINUTES", 15)?,
            max_json_bytes: parse("KITE_MAX_JSON_BYTES", 1024 * 1024)?,
            max_upload_bytes: parse("KITE_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)?,
            workers: parse("KITE_WORKERS", 2)?,
            trusted_proxies: crate::client_ip::TrustedProxies::parse(&var("KITE_TRUSTED_PROXIES").unwrap_or_default())?,
            database_max_connections: var("KITE_DATABASE_MAX_CONNECTIONS")
                .map(|n| match n.parse::<u32>() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(anyhow::anyhow!(
                        "KITE_DATABASE_MAX_CONNECTIONS must be a whole number above 0"
                    )),
                })
                .transpose()?,
            metrics_token: var("KITE_METRICS_TOKEN"),
            job_lease_seconds: parse("KITE_JOB_LEASE_SECONDS", 30)?,
            export_page_rows: parse("KITE_EXPORT_PAGE_ROWS", 1000)?,
            sendgrid_events_key: var("SENDGRID_WEBHOOK_PUBLIC_KEY")
                .map(|key| EventWebhookKey::from_base64(&key))
                .transpose()
                .context("SENDGRID_WEBHOOK_PUBLIC_KEY")?,
            email_reconcile_seconds: parse("KITE_EMAIL_RECONCILE_SECONDS", 900)?,
            email_send_concurrency: parse("KITE_EMAIL_SEND_CONCURRENCY", 16)?,
            analytics_cache: var("KITE_ANALYTICS_CACHE")
                .map(|v| v.trim().parse::<bool>())
                .transpose()
                .context("KITE_ANALYTICS_CACHE must be true or false")?
                .unwrap_or(true),
            webhooks: kite_core::integrations::WebhookSettings {
                policy: kite_webhooks::AddressPolicy {
                    allow_loopback: var("KITE_WEBHOOKS_ALLOW_LOOPBACK")
                        .map(|v| v.trim().parse::<bool>())
                        .transpose()
                        .context("KITE_WEBHOOKS_ALLOW_LOOPBACK must be true or false")?
                        .unwrap_or(false),
                },
                timeout: std::time::Duration::from_secs(parse("KITE_WEBHOOK_TIMEOUT_SECONDS", 10)?),
                retry_base: chrono::Duration::seconds(parse("KITE_WEBHOOK_RETRY_SECONDS", 30)?),
            },
        })
    }

    pub fn worker_config(&self) -> kite_jobs::WorkerConfig {
        kite_jobs::WorkerConfig {
            workers: self.workers,
            lease: chrono::Duration::seconds(self.job_lease_seconds.max(3)),
            ..kite_jobs::WorkerConfig::default()
        }
    }

    pub fn core_settings(&self) -> kite_core::Settings {
        let mut settings = kite_core::Settings::with_secret(self.jwt_secret.clone(), self.public_url.clone());
        settings.lockout_threshold = self.lockout_threshold;
        settings.lockout_duration = chrono::Duration::minutes(self.lockout_minutes);
        settings.lockout_window = chrono::Duration::minutes(self.lockout_window_minutes);
        settings.access_token_ttl = chrono::Duration::minutes(self.access_token_minutes);
        settings.data_dir = self.data_dir.clone();
        settings.export_page_rows = self.export_page_rows;
        settings.sendgrid_events_key = self.sendgrid_events_key.clone();
        settings.email_reconcile_after = chrono::Duration::seconds(self.email_reconcile_seconds.max(1));
        settings.email_send_concurrency = self.email_send_concurrency.max(1);
        settings.analytics_cache = self.analytics_cache;
        settings.webhooks = self.webhooks;
        settings
    }
}

impl RateLimit {
    pub fn per_minute(count: u32) -> Self {
        let count = count.max(1);
        Self {
            burst: count,
            replenish_every: std::time::Duration::from_secs(60) / count,
        }
    }

    pub fn per_second(count: u32) -> Self {
        let count = count.max(1);
        Self {
            burst: count.saturating_mul(2),
            replenish_every: std::time::Duration::from_secs(1) / count,
        }
    }
}

pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse<T: std::str::FromStr>(name: &str, default: T) -> Result<T> {
    match var(name) {
        Some(value) => value
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name} must be a number, got `{value}`")),
        None => Ok(default),
    }
}

/// A secret generated on first start and kept in the data dir (mode 0600), so sessions
/// survive restarts without anyone configuring a secret.
fn load_or_create_secret(path: &Path) -> Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if existing.len() >= 64 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    let mut bytes = [0u8; 48];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the JWT secret: {e}"))?;
    let secret = hex::encode(bytes);
    write_private(path, &secret).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_private_and_kept_across_restarts() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("jwt_secret");
        let first = load_or_create_secret(&path).expect("create");
        let second = load_or_create_secret(&path).expect("load");
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
