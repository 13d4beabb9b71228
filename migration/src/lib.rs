pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_crm;
mod m20261125_000003_activities;
mod m20261125_000004_search;
mod m20261125_000005_tags_merge_stages;
mod m20261125_000006_jobs;
mod m20261125_000007_imports;
mod m20261125_000008_scheduled_exports;
mod m20261202_000009_domain_events;
mod m20261202_000010_search_order;
mod m20261202_000011_approvals;
mod m20261203_000012_marketing;
mod m20261203_000013_sequences_inbound;
mod m20261204_000014_dashboards;
mod m20261204_000015_analytics_indexes;
mod m20261204_000016_stage_entered_at;
mod m20261205_000017_analytics_covering;
mod m20261206_000018_scores;
mod m20261207_000019_assistant;
mod m20261207_000020_api_keys;
mod m20261207_000021_webhooks;
mod m20261207_000022_calendar;
mod m20261207_000023_custom_fields;
mod m20261207_000024_custom_field_values;

mod columns;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_crm::Migration),
            Box::new(m20261125_000003_activities::Migration),
            Box::new(m20261125_000004_search::Migration),
            Box::new(m20261125_000005_tags_merge_stages::Migration),
            Box::new(m20261125_000006_jobs::Migration),
            Box::new(m20261125_000007_imports::Migration),
            Box::new(m20261125_000008_scheduled_exports::Migration),
            Box::new(m20261202_000009_domain_events::Migration),
            Box::new(m20261202_000010_search_order::Migration),
            Box::new(m20261202_000011_approvals::Migration),
            Box::new(m20261203_000012_marketing::Migration),
            Box::new(m20261203_000013_sequences_inbound::Migration),
            Box::new(m20261204_000014_dashboards::Migration),
            Box::new(m20261204_000015_analytics_indexes::Migration),
            Box::new(m20261204_000016_stage_entered_at::Migration),
            Box::new(m20261205_000017_analytics_covering::Migration),
            Box::new(m20261206_000018_scores::Migration),
            Box::new(m20261207_000019_assistant::Migration),
            Box::new(m20261207_000020_api_keys::Migration),
            Box::new(m20261207_000021_webhooks::Migration),
            Box::new(m20261207_000022_calendar::Migration),
            Box::new(m20261207_000023_custom_fields::Migration),
            Box::new(m20261207_000024_custom_field_values::Migration),
        ]
    }
}
