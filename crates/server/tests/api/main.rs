//! API tests: the real app over HTTP, every behaviour on SQLite and on PostgreSQL.

mod helpers;

mod activities;
mod approvals;
mod audit;
mod auth;
mod bulk;
mod campaign_crash;
mod campaigns;
mod companies;
mod contact_emails;
mod contacts;
mod deals;
mod demo;
mod domain_events;
mod email;
mod email_templates;
mod email_tracking;
mod errors;
mod exports;
mod import_writes;
mod imports;
mod jobs;
mod lockout;
mod merge;
mod openapi;
mod paging;
mod password_reset;
mod profile;
mod scheduled_exports;
mod search;
mod stages;
mod tags;
mod tokens;
mod users;
