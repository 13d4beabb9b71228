//! Companies, contacts, pipelines and deals: the records sales teams work on.

pub mod activities;
pub mod calendar;
pub mod companies;
pub mod contacts;
pub mod custom_fields;
pub mod custom_values;
pub mod deals;
pub mod list;
pub mod merge;
pub mod money;
pub mod notes;
pub mod pipelines;
pub mod search;
pub mod tags;
pub mod timeline;
pub mod trash;

pub use money::Money;

/// What "load demo data" created.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoReport {
    pub companies: u64,
    pub contacts: u64,
    pub deals: u64,
    pub activities: u64,
}
