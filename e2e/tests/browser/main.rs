//! The browser suite: a user's view of Kite in headless Chromium.

mod activities;
mod api_keys;
mod approvals;
mod auth;
mod calendar;
mod crm;
mod custom_fields;
mod dashboards;
mod deals;
mod drafts;
mod imports;
mod insights;
mod list_tags;
mod lists;
mod marketing;
mod merge;
mod paging;
mod pipeline_settings;
mod scheduled_exports;
mod settings;
mod shell;
mod tags;
mod trash;
mod webhooks;
