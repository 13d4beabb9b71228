//! SendGrid's v3 mail API over reqwest. The `sendgrid` crate hard-codes its host, and
//! tests must point the client at a fake server on 127.0.0.1, so Kite speaks the
//! (small) API itself.

use crate::{EMAIL_ID_ARG, EmailError, EmailMessage, EmailSender, SendReceipt};
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
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .pool_max_idle_per_host(64)
            .build()?;
        Ok(Self { config, http })
    }

    /// The JSON body of `POST /v3/mail/send`.
    pub fn request_body(&self, message: &EmailMessage) -> Value {
        let mut content = vec![json!({"type": "text/plain", "value": message.text_body})];
        if let Some(html) = &message.html_body {
            content.push(json!({"type": "text/html", "value": html}));
        }
        let mut personalization = json!({
            "to": message.to.iter().map(|email| json!({"email": email})).collect::<Vec<_>>(),
        });
        if let Some(key) = &message.idempotency_key {
            personalization["custom_args"] = json!({ EMAIL_ID_ARG: key });
        }
        let from = match &message.from {
            Some(from) => json!({"email": from.email, "name": from.name.as_deref().unwrap_or(&self.config.from_name)}),
            None => json!({"email": self.config.from_email, "name": self.config.from_name}),
        };
        let mut body = json!({
            "personalizations": [personalization],
            "from": from,
            "subject": message.subject,
            "content": content,
            "categories": [message.category],
            // Kite tracks opens and clicks itself, with links that name the email.
            "tracking_settings": {
                "click_tracking": {"enable": false},
                "open_tracking": {"enable": false},
            },
        });
        if let Some(reply_to) = &message.reply_to {
            body["reply_to"] = json!({"email": reply_to});
        }
        if !message.headers.is_empty() {
            body["headers"] = json!(message.headers);
        }
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
    async fn send(&self, message: &EmailMessage) -> Result<SendReceipt, EmailError> {
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
            tracing::debug!(to = ?message.to, subject = %message.subject, "email sent through SendGrid");
            let provider_message_id = response
                .headers()
                .get("x-message-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            return Ok(SendReceipt { provider_message_id });
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
