//! How other systems reach Kite: API keys.

pub mod api_keys;

pub use api_keys::{ApiKeyService, KeyPrincipal};
