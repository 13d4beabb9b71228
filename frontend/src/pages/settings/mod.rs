//! Settings: the user's profile, the sales process (pipelines, tags), scheduled exports
//! for managers, and the admin pages (users, custom fields, API keys, webhooks, audit log, outbox, trash).

mod api_keys;
mod audit_log;
mod custom_fields;
mod outbox;
mod pipelines;
mod profile;
mod scheduled_exports;
mod tags;
mod trash;
mod users;
mod webhooks;

pub use api_keys::ApiKeys;
pub use audit_log::AuditLog;
pub use custom_fields::CustomFields;
pub use outbox::Outbox;
pub use pipelines::Pipelines;
pub use profile::Profile;
pub use scheduled_exports::{ScheduledExports, schedule_link};
pub use tags::Tags;
pub use trash::Trash;
pub use users::Users;
pub use webhooks::Webhooks;
