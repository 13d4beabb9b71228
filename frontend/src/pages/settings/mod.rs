//! Settings: the user's profile, and the admin pages (users, audit log, outbox).

mod audit_log;
mod outbox;
mod profile;
mod users;

pub use audit_log::AuditLog;
pub use outbox::Outbox;
pub use profile::Profile;
pub use users::Users;
