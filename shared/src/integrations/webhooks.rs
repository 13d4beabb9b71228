//! Webhook subscriptions: a URL that is told, by a signed POST, whenever one of the
//! chosen events happens; and the log of every delivery attempt.

use crate::FieldError;
use crate::domain_events::DomainEventKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const URL_MAX_CHARS: usize = 2000;
pub const DESCRIPTION_MAX_CHARS: usize = 200;
/// The event type of the "send test event" button's message.
pub const TEST_EVENT: &str = "webhook.test";

/// The events a subscription may choose.
pub const SUBSCRIBABLE: &[DomainEventKind] = &[
    DomainEventKind::ContactCreated,
    DomainEventKind::ContactUpdated,
    DomainEventKind::ContactDeleted,
    DomainEventKind::CompanyCreated,
    DomainEventKind::CompanyUpdated,
    DomainEventKind::CompanyDeleted,
    DomainEventKind::DealCreated,
    DomainEventKind::DealUpdated,
    DomainEventKind::DealDeleted,
    DomainEventKind::DealStageChanged,
    DomainEventKind::DealWon,
    DomainEventKind::DealLost,
    DomainEventKind::ActivityCreated,
    DomainEventKind::ActivityUpdated,
    DomainEventKind::ActivityDeleted,
    DomainEventKind::ApprovalApproved,
    DomainEventKind::ApprovalRejected,
];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookSubscriptionDto {
    pub id: Uuid,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<DomainEventKind>,
    /// Paused subscriptions are sent nothing.
    pub active: bool,
    /// Why Kite paused it itself (the receiver answered 410 Gone).
    pub disabled_reason: Option<String>,
    /// The `whsec_…` key the `webhook-signature` header is made with.
    pub secret: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookSubscriptionInput {
    /// An http(s) URL on a public address.
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
    pub events: Vec<DomainEventKind>,
    #[serde(default = "active_by_default")]
    pub active: bool,
}

fn active_by_default() -> bool {
    true
}

impl WebhookSubscriptionInput {
    /// The checks that need no network; the server also resolves the URL's host.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let url = self.url.trim();
        if url.is_empty() {
            errors.push(FieldError::new("url", "required", "Give the URL to send events to."));
        } else if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(char::is_whitespace) {
            errors.push(FieldError::new(
                "url",
                "invalid_url",
                "The URL must start with https:// (or http://).",
            ));
        } else if url.chars().count() > URL_MAX_CHARS {
            errors.push(FieldError::new(
                "url",
                "too_long",
                format!("The URL must be at most {URL_MAX_CHARS} characters."),
            ));
        }
        if self
            .description
            .as_deref()
            .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX_CHARS)
        {
            errors.push(FieldError::new(
                "description",
                "too_long",
                format!("The description must be at most {DESCRIPTION_MAX_CHARS} characters."),
            ));
        }
        if self.events.is_empty() {
            errors.push(FieldError::new("events", "required", "Choose at least one event."));
        }
        for (i, event) in self.events.iter().enumerate() {
            if !SUBSCRIBABLE.contains(event) {
                errors.push(FieldError::new(
                    &format!("events[{i}]"),
                    "not_subscribable",
                    format!("Webhooks cannot subscribe to `{}`.", event.as_str()),
                ));
            }
        }
        errors
    }
}

string_enum!(
    /// How one attempt ended.
    DeliveryOutcome {
        Succeeded => "succeeded", "Delivered",
        Failed => "failed", "Failed",
        /// The URL resolved to an address webhooks may not reach: nothing was sent.
        Refused => "refused", "Refused",
    }
);

/// One attempt at delivering one message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookDeliveryDto {
    pub id: Uuid,
    /// The `webhook-id` header: the same on every attempt and redelivery of a message.
    pub message_id: Uuid,
    pub event_type: String,
    /// 1 for the first attempt.
    pub attempt: i32,
    pub url: String,
    /// The JSON body that was sent.
    pub request_body: String,
    pub response_status: Option<i32>,
    pub response_excerpt: Option<String>,
    pub error: Option<String>,
    pub duration_ms: i64,
    pub outcome: DeliveryOutcome,
    /// When the next attempt runs, if one is scheduled.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A message queued for delivery (a test event, a redelivery).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuedMessage {
    pub message_id: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, events: Vec<DomainEventKind>) -> WebhookSubscriptionInput {
        WebhookSubscriptionInput {
            url: url.into(),
            description: None,
            events,
            active: true,
        }
    }

    #[test]
    fn a_subscription_needs_an_http_url_and_subscribable_events() {
        assert!(
            input("https://example.com/hook", vec![DomainEventKind::ContactCreated])
                .validate()
                .is_empty()
        );
        let fields = |i: WebhookSubscriptionInput| i.validate().into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(input("ftp://example.com", vec![DomainEventKind::DealWon])),
            ["url"]
        );
        assert_eq!(fields(input("https://example.com", vec![])), ["events"]);
        assert_eq!(
            fields(input(
                "https://example.com",
                vec![DomainEventKind::DealWon, DomainEventKind::DealReordered]
            )),
            ["events[1]"]
        );
    }
}
