//! Companies, contacts, pipelines and deals: the records sales teams work on.

pub mod companies;
pub mod contacts;
pub mod deals;
pub mod list;
pub mod money;
pub mod pipelines;

pub use money::Money;
