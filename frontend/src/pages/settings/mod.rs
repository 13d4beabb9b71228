//! Settings: the user's profile, and the admin pages (users, audit log, outbox, trash).

mod audit_log;
mod outbox;
mod profile;
mod trash;
mod users;

pub use audit_log::AuditLog;
pub use outbox::Outbox;
pub use profile::Profile;
pub use trash::Trash;
pub use users::Users;
