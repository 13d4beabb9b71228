//! SendGrid's v3 mail API over reqwest. The `sendgrid` crate hard-codes its host, and
//! tests must point the client at a fake server on 127.0.0.1, so Kite speaks the
//! (small) API itself.

use crate::{EmailError, EmailMessage, EmailSender};
use async_trait::async_trait;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::time::Duration;

pub const SENDGRID_API_BASE: &str = "https://api.sendgrid.com";

#[derive(Clone, Debug)]
pub struct SendGridConfig {
    pub api_key: String,
    /// `https://api.sendgrid.com` in production; a local fake in tests.
    pub base_url: String,
    pub from_email: String,
    pub from_name: String,
}

#[derive(Clone)]
pub struct SendGridSender {
    config: SendGridConfig,
    http: reqwest::Client,
}

impl SendGridSender {
    pub fn new(config: SendGridConfig) -> Result<Self, EmailError> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build()?;
        Ok(Self { config, http })
    }

    /// The JSON body of `POST /v3/mail/send`.
    pub fn request_body(&self, message: &EmailMessage) -> Value {
        let mut content = vec![json!({"type": "text/plain", "value": message.text_body})];
        if let Some(html) = &message.html_body {
            content.push(json!({"type": "text/html", "value": html}));
        }
        let mut body = json!({
            "personalizations": [{
                "to": message.to.iter().map(|email| json!({"email": email})).collect::<Vec<_>>(),
            }],
            "from": {"email": self.config.from_email, "name": self.config.from_name},
            "subject": message.subject,
            "content": content,
            "categories": [message.category],
        });
        if !message.attachments.is_empty() {
            body["attachments"] = message
                .attachments
                .iter()
                .map(|a| {
                    json!({
                        "content": STANDARD.encode(&a.content),
                        "type": a.content_type,
                        "filename": a.filename,
                        "disposition": "attachment",
                    })
                })
                .collect();
        }
        body
    }
}

#[async_trait]
impl EmailSender for SendGridSender {
    async fn send(&self, message: &EmailMessage) -> Result<(), EmailError> {
        let url = format!("{}/v3/mail/send", self.config.base_url.trim_end_matches('/'));
        let response = self
            .http
            .post(url)
            .bearer_auth(&self.config.api_key)
            .json(&self.request_body(message))
            .send()
            .await?;
        let status = response.status();
        if status.is_success() {
            tracing::info!(to = ?message.to, subject = %message.subject, "email sent through SendGrid");
            return Ok(());
        }
        let body = response.text().await.unwrap_or_default();
        Err(EmailError::Rejected {
            status: status.as_u16(),
            body: body.chars().take(500).collect(),
        })
    }

    fn kind(&self) -> &'static str {
        "sendgrid"
    }
}
