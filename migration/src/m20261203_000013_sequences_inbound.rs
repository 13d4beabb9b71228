//! Sequences (their steps and who is enrolled), the emails they send tied to their step,
//! replies received by the Inbound Parse endpoint, and the secret in each
//! organization's inbound address.

use crate::columns::{add_column, at, col, create, drop_column, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const EMAIL_COLUMNS: [&str; 3] = ["sequence_id", "sequence_step_id", "enrollment_id"];

const INDEXES: [&str; 7] = [
    "CREATE INDEX idx_sequences_org ON sequences (organization_id, created_at, id)",
    "CREATE INDEX idx_sequence_steps_sequence ON sequence_steps (sequence_id, position)",
    // A contact is in a sequence once.
    "CREATE UNIQUE INDEX idx_enrollments_contact ON sequence_enrollments (sequence_id, contact_id)",
    "CREATE INDEX idx_enrollments_due ON sequence_enrollments (state, next_step_at)",
    "CREATE INDEX idx_enrollments_contact_state ON sequence_enrollments (organization_id, contact_id, state)",
    // One email per enrollment and step, however often the step is retried.
    "CREATE UNIQUE INDEX idx_emails_enrollment_step ON emails (enrollment_id, sequence_step_id)",
    // A reply delivered twice by the provider is kept once.
    "CREATE UNIQUE INDEX idx_emails_inbound ON emails (organization_id, message_id) WHERE direction = 'in'",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "sequences",
                vec![
                    id(),
                    organization(),
                    col("name").string_len(200).not_null().to_owned(),
                    col("status").string_len(16).not_null().to_owned(),
                    col("created_by").uuid().null().to_owned(),
                    at("created_at"),
                    at("updated_at"),
                    maybe_at("deleted_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "sequence_steps",
                vec![
                    id(),
                    organization(),
                    col("sequence_id").uuid().not_null().to_owned(),
                    col("position").integer().not_null().to_owned(),
                    col("kind").string_len(8).not_null().to_owned(),
                    col("template_id").uuid().null().to_owned(),
                    col("wait_amount").integer().null().to_owned(),
                    col("wait_unit").string_len(8).null().to_owned(),
                    col("business_days").boolean().not_null().to_owned(),
                    col("task_kind").string_len(16).null().to_owned(),
                    col("task_title").string_len(200).null().to_owned(),
                    at("created_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "sequence_enrollments",
                vec![
                    id(),
                    organization(),
                    col("sequence_id").uuid().not_null().to_owned(),
                    col("contact_id").uuid().not_null().to_owned(),
                    col("deal_id").uuid().null().to_owned(),
                    col("state").string_len(16).not_null().to_owned(),
                    col("exit_reason").string_len(16).null().to_owned(),
                    col("current_step").integer().not_null().to_owned(),
                    maybe_at("next_step_at"),
                    col("enrolled_by").uuid().null().to_owned(),
                    at("created_at"),
                    at("updated_at"),
                    maybe_at("finished_at"),
                ],
            ))
            .await?;
        for name in EMAIL_COLUMNS {
            add_column(manager, "emails", col(name).uuid().null().to_owned()).await?;
        }
        add_column(manager, "emails", maybe_at("replied_at")).await?;
        add_column(
            manager,
            "organizations",
            col("inbound_secret").string_len(64).null().to_owned(),
        )
        .await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        db.execute_unprepared("CREATE UNIQUE INDEX idx_organizations_inbound ON organizations (inbound_secret)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for index in [
            "idx_emails_enrollment_step",
            "idx_emails_inbound",
            "idx_organizations_inbound",
        ] {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {index}")).await?;
        }
        for table in ["sequence_enrollments", "sequence_steps", "sequences"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).if_exists().to_owned())
                .await?;
        }
        for name in EMAIL_COLUMNS.into_iter().chain(["replied_at"]) {
            drop_column(manager, "emails", name).await?;
        }
        drop_column(manager, "organizations", "inbound_secret").await
    }
}
