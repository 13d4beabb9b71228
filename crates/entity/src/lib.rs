//! One module per table. Relations are expressed as explicit, organization-scoped
//! queries in kite-core rather than ORM joins, so every query shows its tenant filter.

pub mod activity;
pub mod approval_action;
pub mod approval_assignment;
pub mod approval_request;
pub mod approval_step;
pub mod approval_workflow;
pub mod audit_log;
pub mod campaign;
pub mod company;
pub mod contact;
pub mod deal;
pub mod deal_contact;
pub mod deal_stage_change;
pub mod domain_event;
pub mod email;
pub mod email_event;
pub mod email_template;
pub mod export_run;
pub mod import;
pub mod import_change;
pub mod import_failure;
pub mod job;
pub mod note;
pub mod one_time_token;
pub mod organization;
pub mod outbox_message;
pub mod pipeline;
pub mod record_tag;
pub mod refresh_token;
pub mod scheduled_export;
pub mod stage;
pub mod suppression;
pub mod tag;
pub mod user;
