//! Companies, contacts, pipelines and deals.

mod access;
pub mod activities;
pub mod board;
pub mod bulk;
pub mod companies;
pub mod contacts;
mod counts;
pub mod deals;
pub mod demo;
mod listing;
pub mod notes;
pub mod pipelines;
pub mod search;
pub mod timeline;

pub use counts::CountCache;
