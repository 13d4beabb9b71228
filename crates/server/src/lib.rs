//! kite-server: the REST API, its OpenAPI document and Swagger UI, and the SPA.

pub mod api_scopes;
pub mod backup;
pub mod calendar_feed;
pub mod client_ip;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod key_limits;
pub mod metrics;
pub mod openapi;
pub mod public_links;
pub mod rate_limit;
pub mod routes;
pub mod security_headers;
pub mod seed;
pub mod spa;
pub mod startup;
pub mod state;
pub mod telemetry;
