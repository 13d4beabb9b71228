//! Types that cross the wire between Kite's server and its SPA, and the rules both
//! sides apply to them. Builds for native and wasm32: no server-only dependencies.

#[macro_use]
mod string_enum;

pub mod analytics;
pub mod approvals;
pub mod assistant;
pub mod audit;
pub mod auth;
pub mod crm;
pub mod domain_events;
pub mod error;
pub mod health;
pub mod ids;
pub mod imports;
pub mod insights;
pub mod integrations;
pub mod jobs;
pub mod marketing;
pub mod outbox;
pub mod page;
pub mod roles;
pub mod scheduled_exports;
pub mod users;
pub mod validation;

pub use error::{ErrorBody, FieldError};
pub use ids::{OrganizationId, UserId};
pub use roles::{Permission, Role};
