//! One module per page.

pub mod activities;
pub mod approvals;
pub mod auth;
pub mod calendar;
pub mod companies;
pub mod contacts;
mod dashboard;
pub mod deals;
pub mod imports;
pub mod insights;
pub mod marketing;
pub mod merge;
mod not_found;
mod record;
pub mod record_list;
mod reports;
mod search;
pub mod settings;

pub use dashboard::Dashboard;
pub use not_found::NotFound;
pub use reports::ReportsPage;
pub use search::Search;
