//! One module per resource. Handlers parse, call one service method, and answer.

pub mod activities;
pub mod approvals;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod companies;
pub mod contact_emails;
pub mod contacts;
pub mod deals;
pub mod email_templates;
pub mod events;
pub mod exports;
pub mod health;
pub mod imports;
pub mod jobs;
pub mod me;
pub mod merge;
pub mod outbox;
pub mod pipelines;
pub mod provider_webhooks;
pub mod records;
pub mod scheduled_exports;
pub mod stages;
pub mod suppressions;
pub mod tags;
pub mod users;
