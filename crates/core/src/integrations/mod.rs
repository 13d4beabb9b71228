//! How other systems reach Kite (API keys) and hear from it (webhooks).

pub mod api_keys;
pub mod webhooks;

pub use api_keys::{ApiKeyService, KeyPrincipal};
pub use webhooks::{DeliveryMessage, WebhookService, WebhookSettings};
