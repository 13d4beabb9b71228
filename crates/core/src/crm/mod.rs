//! Companies, contacts, pipelines and deals.

mod access;
pub mod board;
pub mod companies;
pub mod contacts;
mod counts;
pub mod deals;
mod listing;
pub mod pipelines;

pub use counts::CountCache;
