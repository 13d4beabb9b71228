//! Email marketing: templates, campaigns, every email sent to or received from a contact
//! (one row each, which is also what the timeline reads), what happened to them
//! (tracking and provider events), and the organization's suppression list.

use crate::columns::{at, col, create, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [&str; 9] = [
    "CREATE INDEX idx_email_templates_org ON email_templates (organization_id, name, id)",
    "CREATE INDEX idx_campaigns_org ON campaigns (organization_id, created_at, id)",
    "CREATE INDEX idx_campaigns_due ON campaigns (status, scheduled_at)",
    // One email per contact and campaign, however often the sending is retried.
    "CREATE UNIQUE INDEX idx_emails_campaign_contact ON emails (campaign_id, contact_id)",
    "CREATE INDEX idx_emails_campaign_status ON emails (campaign_id, status, id)",
    "CREATE INDEX idx_emails_contact ON emails (organization_id, contact_id, created_at, id)",
    "CREATE UNIQUE INDEX idx_email_events_provider ON email_events (provider_event_id)",
    "CREATE INDEX idx_email_events_email ON email_events (email_id, kind)",
    "CREATE UNIQUE INDEX idx_suppressions_email ON suppressions (organization_id, email)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(create(
                "email_templates",
                vec![
                    id(),
                    organization(),
                    col("name").string_len(200).not_null().to_owned(),
                    col("subject").text().not_null().to_owned(),
                    col("body_html").text().not_null().to_owned(),
                    col("created_by").uuid().null().to_owned(),
                    at("created_at"),
                    at("updated_at"),
                    maybe_at("deleted_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "campaigns",
                vec![
                    id(),
                    organization(),
                    col("name").string_len(200).not_null().to_owned(),
                    col("template_id").uuid().not_null().to_owned(),
                    // The template as it was when sending started: editing the template
                    // later never changes what the rest of the audience receives.
                    col("subject").text().null().to_owned(),
                    col("body_html").text().null().to_owned(),
                    col("audience").text().not_null().to_owned(),
                    col("sender_user_id").uuid().not_null().to_owned(),
                    col("status").string_len(16).not_null().to_owned(),
                    maybe_at("scheduled_at"),
                    col("rate_per_minute").integer().not_null().to_owned(),
                    col("recipient_count").integer().not_null().to_owned(),
                    col("excluded").text().not_null().to_owned(),
                    col("created_by").uuid().null().to_owned(),
                    at("created_at"),
                    at("updated_at"),
                    maybe_at("started_at"),
                    maybe_at("finished_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "emails",
                vec![
                    id(),
                    organization(),
                    col("contact_id").uuid().null().to_owned(),
                    col("deal_id").uuid().null().to_owned(),
                    col("campaign_id").uuid().null().to_owned(),
                    col("direction").string_len(8).not_null().to_owned(),
                    col("source").string_len(16).not_null().to_owned(),
                    col("to_email").string_len(320).not_null().to_owned(),
                    col("from_email").string_len(320).not_null().to_owned(),
                    col("from_name").string_len(200).null().to_owned(),
                    col("subject").text().not_null().to_owned(),
                    col("html_body").text().null().to_owned(),
                    col("text_body").text().null().to_owned(),
                    col("message_id").string_len(255).not_null().to_owned(),
                    col("in_reply_to").string_len(255).null().to_owned(),
                    col("provider_message_id").string_len(255).null().to_owned(),
                    col("status").string_len(16).not_null().to_owned(),
                    col("status_reason").text().null().to_owned(),
                    maybe_at("attempted_at"),
                    maybe_at("sent_at"),
                    maybe_at("delivered_at"),
                    col("open_count").integer().not_null().to_owned(),
                    maybe_at("first_opened_at"),
                    maybe_at("last_opened_at"),
                    col("click_count").integer().not_null().to_owned(),
                    maybe_at("first_clicked_at"),
                    maybe_at("last_clicked_at"),
                    col("created_by").uuid().null().to_owned(),
                    at("created_at"),
                    at("updated_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "email_events",
                vec![
                    id(),
                    organization(),
                    col("email_id").uuid().not_null().to_owned(),
                    col("kind").string_len(24).not_null().to_owned(),
                    col("source").string_len(16).not_null().to_owned(),
                    col("provider_event_id").string_len(255).null().to_owned(),
                    col("url").text().null().to_owned(),
                    col("detail").text().null().to_owned(),
                    at("occurred_at"),
                    at("created_at"),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "suppressions",
                vec![
                    id(),
                    organization(),
                    col("email").string_len(320).not_null().to_owned(),
                    col("reason").string_len(16).not_null().to_owned(),
                    col("detail").text().null().to_owned(),
                    col("email_id").uuid().null().to_owned(),
                    col("created_by").uuid().null().to_owned(),
                    at("created_at"),
                ],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("outbox_messages"))
                    .add_column(col("idempotency_key").string_len(64).null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        for sql in INDEXES {
            db.execute_unprepared(sql).await?;
        }
        db.execute_unprepared("CREATE INDEX idx_outbox_idempotency ON outbox_messages (idempotency_key)")
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["suppressions", "email_events", "emails", "campaigns", "email_templates"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).if_exists().to_owned())
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX IF EXISTS idx_outbox_idempotency")
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("outbox_messages"))
                    .drop_column(Alias::new("idempotency_key"))
                    .to_owned(),
            )
            .await
    }
}
