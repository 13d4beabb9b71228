//! The sales assistant: next best actions for each user, and email drafts.

pub mod drafts;
pub mod suggestions;
