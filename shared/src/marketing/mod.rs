//! Email marketing: templates, campaigns, the emails they send and what became of
//! them, and the suppression list. The editors validate with the same rules as the
//! server.

pub mod campaigns;
pub mod emails;
pub mod sequences;
pub mod suppressions;
pub mod templates;
