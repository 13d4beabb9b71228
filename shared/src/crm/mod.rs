//! Companies, contacts, pipelines and deals: the records sales teams work on.

pub mod activities;
pub mod companies;
pub mod contacts;
pub mod deals;
pub mod list;
pub mod money;
pub mod notes;
pub mod pipelines;
pub mod search;
pub mod timeline;

pub use money::Money;
