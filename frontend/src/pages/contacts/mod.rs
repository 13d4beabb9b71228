//! Contacts: the list, a contact's page, the form both use, and the stage badge.

mod detail;
mod form;
mod list;
mod stage;

pub use detail::ContactDetail;
pub use list::ContactList;
pub use stage::StageBadge;
