use chrono::Duration;

/// The rules' tunables, read once at start.
#[derive(Clone, Debug)]
pub struct Settings {
    /// HS256 key for access tokens.
    pub jwt_secret: Vec<u8>,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Failed logins within `lockout_window` that lock the account.
    pub lockout_threshold: u32,
    pub lockout_window: Duration,
    pub lockout_duration: Duration,
    pub invitation_ttl: Duration,
    pub password_reset_ttl: Duration,
    /// Where users reach the SPA; links in emails start with it.
    pub public_url: String,
    /// Where uploaded files are kept (`imports/` inside it).
    pub data_dir: std::path::PathBuf,
    /// Rows an export reads per query: the rows of one query sit in memory at once.
    pub export_page_rows: u64,
    /// How long an email handed to the provider without an answer waits for the
    /// provider's events before it is sent again.
    pub email_reconcile_after: Duration,
    /// Emails a campaign batch hands to the provider at once.
    pub email_send_concurrency: usize,
    /// Verifies SendGrid's Event Webhook; without it the webhook accepts nothing.
    pub sendgrid_events_key: Option<kite_email::events::EventWebhookKey>,
    /// Keep computed reports until a record of the organization changes (or 30 s pass).
    pub analytics_cache: bool,
    /// Where webhooks may be sent, their time limit and retry schedule.
    pub webhooks: crate::integrations::WebhookSettings,
}

impl Settings {
    pub fn with_secret(jwt_secret: Vec<u8>, public_url: String) -> Self {
        Self {
            jwt_secret,
            jwt_issuer: "kite".into(),
            jwt_audience: "kite-api".into(),
            access_token_ttl: Duration::minutes(15),
            refresh_token_ttl: Duration::days(30),
            lockout_threshold: 5,
            lockout_window: Duration::minutes(15),
            lockout_duration: Duration::minutes(15),
            invitation_ttl: Duration::days(7),
            password_reset_ttl: Duration::hours(1),
            public_url,
            data_dir: std::path::PathBuf::from("data"),
            export_page_rows: 1000,
            email_reconcile_after: Duration::minutes(15),
            email_send_concurrency: 16,
            sendgrid_events_key: None,
            analytics_cache: true,
            webhooks: crate::integrations::WebhookSettings::default(),
        }
    }
}
