//! Approval workflows and their requests. A workflow keeps its steps as JSON (the editor
//! saves it whole); a request copies them into rows when it is made, so that editing a
//! workflow never changes a request under way, and every approver's say is a row of its
//! own that one decision updates under the request's lock.

use crate::columns::{col, create, id, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [&str; 6] = [
    "CREATE INDEX idx_approval_workflows_stage ON approval_workflows (organization_id, stage_id, priority)",
    "CREATE INDEX idx_approval_requests_deal ON approval_requests (organization_id, deal_id, status)",
    "CREATE INDEX idx_approval_requests_status ON approval_requests (organization_id, status, created_at, id)",
    "CREATE INDEX idx_approval_steps_request ON approval_steps (request_id, position)",
    "CREATE INDEX idx_approval_assignments_user ON approval_assignments (organization_id, user_id, decision)",
    "CREATE INDEX idx_approval_actions_request ON approval_actions (organization_id, deal_id, created_at, id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("deals"))
                    .add_column(col("discount_percent").integer().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(create(
                "approval_workflows",
                vec![
                    id(),
                    organization(),
                    col("name").string_len(200).not_null().to_owned(),
                    col("active").boolean().not_null().to_owned(),
                    col("priority").integer().not_null().to_owned(),
                    col("pipeline_id").uuid().not_null().to_owned(),
                    col("stage_id").uuid().not_null().to_owned(),
                    col("min_value_minor").big_integer().null().to_owned(),
                    col("min_value_currency").string_len(3).null().to_owned(),
                    col("min_discount_percent").integer().null().to_owned(),
                    col("owner_roles").text().not_null().to_owned(),
                    col("steps").text().not_null().to_owned(),
                    col("created_by").uuid().null().to_owned(),
                    col("created_at").timestamp_with_time_zone().not_null().to_owned(),
                    col("updated_at").timestamp_with_time_zone().not_null().to_owned(),
                    col("deleted_at").timestamp_with_time_zone().null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "approval_requests",
                vec![
                    id(),
                    organization(),
                    col("workflow_id").uuid().not_null().to_owned(),
                    col("workflow_name").string_len(200).not_null().to_owned(),
                    col("deal_id").uuid().not_null().to_owned(),
                    col("requested_by").uuid().null().to_owned(),
                    col("status").string_len(16).not_null().to_owned(),
                    col("current_step").integer().not_null().to_owned(),
                    col("step_count").integer().not_null().to_owned(),
                    col("snapshot").text().not_null().to_owned(),
                    col("created_at").timestamp_with_time_zone().not_null().to_owned(),
                    col("closed_at").timestamp_with_time_zone().null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "approval_steps",
                vec![
                    id(),
                    organization(),
                    col("request_id").uuid().not_null().to_owned(),
                    col("position").integer().not_null().to_owned(),
                    col("name").string_len(200).not_null().to_owned(),
                    col("mode").string_len(8).not_null().to_owned(),
                    col("status").string_len(16).not_null().to_owned(),
                    col("due_hours").integer().null().to_owned(),
                    col("started_at").timestamp_with_time_zone().null().to_owned(),
                    col("due_at").timestamp_with_time_zone().null().to_owned(),
                    col("reminded_at").timestamp_with_time_zone().null().to_owned(),
                    col("completed_at").timestamp_with_time_zone().null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "approval_assignments",
                vec![
                    id(),
                    organization(),
                    col("request_id").uuid().not_null().to_owned(),
                    col("step_id").uuid().not_null().to_owned(),
                    col("user_id").uuid().not_null().to_owned(),
                    col("decision").string_len(16).null().to_owned(),
                    col("comment").text().null().to_owned(),
                    col("decided_at").timestamp_with_time_zone().null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "approval_actions",
                vec![
                    id(),
                    organization(),
                    col("request_id").uuid().not_null().to_owned(),
                    col("deal_id").uuid().not_null().to_owned(),
                    col("actor_user_id").uuid().null().to_owned(),
                    col("action").string_len(32).not_null().to_owned(),
                    col("step").integer().null().to_owned(),
                    col("comment").text().null().to_owned(),
                    col("created_at").timestamp_with_time_zone().not_null().to_owned(),
                ],
            ))
            .await?;
        let db = manager.get_connection();
        for index in INDEXES {
            db.execute_unprepared(index).await?;
        }
        // One pending request per deal, whatever two clicks at once try.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX idx_approval_requests_one_pending ON approval_requests (deal_id) \
             WHERE status = 'pending'",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "approval_actions",
            "approval_assignments",
            "approval_steps",
            "approval_requests",
            "approval_workflows",
        ] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("deals"))
                    .drop_column(Alias::new("discount_percent"))
                    .to_owned(),
            )
            .await
    }
}
