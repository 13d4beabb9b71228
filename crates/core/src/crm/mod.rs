//! Companies, contacts, pipelines and deals.

pub(crate) mod access;
pub mod activities;
pub mod board;
pub mod bulk;
pub mod calendar;
pub mod companies;
pub mod contacts;
pub(crate) mod counts;
pub mod custom_fields;
pub mod deals;
pub mod demo;
pub(crate) mod listing;
pub mod merge;
pub mod notes;
pub mod pipelines;
pub(crate) mod records;
pub mod search;
pub mod stages;
pub mod tags;
pub mod timeline;
pub(crate) mod write;

pub use counts::{CountCache, DERIVED};

/// A record's stored score, if it has been scored (the scorer writes it as JSON).
fn record_score(detail: Option<&str>) -> Option<kite_shared::insights::RecordScore> {
    detail.and_then(|d| serde_json::from_str(d).ok())
}
