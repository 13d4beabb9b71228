//! Calendar events are activities with an end, a place, a time zone, attendees and a
//! reminder (one model, so a logged meeting is on the calendar and a calendar meeting
//! is on the timelines); and each user's secret ICS feed. The calendar's range reads
//! the existing `idx_activities_due`.

use crate::columns::{add_column, at, col, create, drop_column, id, maybe_at, organization};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const ACTIVITY_COLUMNS: [&str; 7] = [
    "ends_at",
    "all_day",
    "location",
    "time_zone",
    "reminder_minutes",
    "remind_at",
    "reminded_at",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(manager, "activities", maybe_at("ends_at")).await?;
        add_column(
            manager,
            "activities",
            col("all_day").boolean().not_null().default(false).to_owned(),
        )
        .await?;
        add_column(manager, "activities", col("location").string_len(500).null().to_owned()).await?;
        add_column(manager, "activities", col("time_zone").string_len(64).null().to_owned()).await?;
        add_column(
            manager,
            "activities",
            col("reminder_minutes").integer().null().to_owned(),
        )
        .await?;
        // When the reminder is due (start minus the minutes), so the reminder tick reads
        // an index instead of computing over every activity.
        add_column(manager, "activities", maybe_at("remind_at")).await?;
        add_column(manager, "activities", maybe_at("reminded_at")).await?;
        manager
            .create_table(create(
                "activity_attendees",
                vec![
                    id(),
                    organization(),
                    col("activity_id").uuid().not_null().to_owned(),
                    col("contact_id").uuid().null().to_owned(),
                    col("user_id").uuid().null().to_owned(),
                ],
            ))
            .await?;
        manager
            .create_table(create(
                "calendar_feeds",
                vec![
                    id(),
                    organization(),
                    col("user_id").uuid().not_null().to_owned(),
                    // SHA-256 of the feed token, hex: the token itself is never stored.
                    col("token_hash").string_len(64).not_null().to_owned(),
                    at("created_at"),
                    maybe_at("last_fetched_at"),
                ],
            ))
            .await?;
        let db = manager.get_connection();
        for sql in [
            // Events that began before a range and run into it, found by their end.
            "CREATE INDEX idx_activities_ends ON activities (organization_id, ends_at, due_at) \
             WHERE ends_at IS NOT NULL AND deleted_at IS NULL",
            "CREATE INDEX idx_activities_remind ON activities (remind_at) \
             WHERE remind_at IS NOT NULL AND reminded_at IS NULL AND deleted_at IS NULL",
            "CREATE INDEX idx_activity_attendees_activity ON activity_attendees (activity_id)",
            "CREATE INDEX idx_activity_attendees_user ON activity_attendees (user_id, activity_id)",
            "CREATE UNIQUE INDEX idx_calendar_feeds_user ON calendar_feeds (user_id)",
            "CREATE UNIQUE INDEX idx_calendar_feeds_token ON calendar_feeds (token_hash)",
        ] {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["calendar_feeds", "activity_attendees"] {
            manager
                .drop_table(Table::drop().table(Alias::new(table)).if_exists().to_owned())
                .await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared("DROP INDEX idx_activities_remind").await?;
        db.execute_unprepared("DROP INDEX idx_activities_ends").await?;
        for column in ACTIVITY_COLUMNS {
            drop_column(manager, "activities", column).await?;
        }
        Ok(())
    }
}
