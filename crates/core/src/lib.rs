//! Kite's domain services. Every service method takes the request context ([`Ctx`]) so
//! that it can check the caller's permission and scope its queries to the caller's
//! organization; nothing here knows about HTTP.

pub mod approvals;
pub mod audit;
pub mod auth;
pub mod blobs;
pub mod crm;
pub mod ctx;
pub mod dashboards;
pub mod domain_events;
pub mod error;
pub mod events;
pub mod exports;
pub mod imports;
pub mod integrations;
pub mod jobs;
pub mod mail;
pub mod marketing;
pub mod outbox;
pub mod scheduled_exports;
pub mod schedules;
pub mod settings;
pub mod stats;
pub mod users;

mod dto;
mod kite;
mod paging;
mod services;
mod txn;

pub use ctx::{ClientInfo, Ctx};
pub use error::{AuthFailure, CoreError};
pub use kite::Kite;
pub use settings::Settings;
pub use txn::WriteTxn;
