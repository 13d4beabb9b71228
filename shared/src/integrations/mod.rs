//! How other systems reach Kite: API keys with scopes.

pub mod api_keys;
