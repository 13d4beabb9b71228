//! One module per table. Relations are expressed as explicit, organization-scoped
//! queries in kite-core rather than ORM joins, so every query shows its tenant filter.

pub mod audit_log;
pub mod one_time_token;
pub mod organization;
pub mod outbox_message;
pub mod refresh_token;
pub mod user;
