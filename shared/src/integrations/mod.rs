//! How other systems reach Kite (API keys with scopes) and hear from it (webhooks).

pub mod api_keys;
pub mod webhooks;
