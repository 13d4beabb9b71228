//! Each user's secret calendar feed: a URL with a 256-bit token that calendar apps
//! poll without signing in. Only the token's hash is kept; making a new URL or
//! revoking stops the old one at once, and a wrong token is a plain 404.

use super::{CalendarService, ics, of_user, on_calendar};
use crate::audit::{self, Actor, Event};
use crate::auth::tokens::{generate_opaque_token, hash_opaque_token};
use crate::crm::activities::named;
use crate::{CoreError, Ctx};
use chrono::{Duration, Utc};
use kite_entity::{activity, calendar_feed, user};
use kite_shared::Permission;
use kite_shared::crm::calendar::{CalendarFeed, CreatedCalendarFeed};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

/// How far back and ahead a feed reaches: what people scroll to in their calendar app,
/// without sending years of history on every poll.
const PAST_DAYS: i64 = 90;
const FUTURE_DAYS: i64 = 400;
const MAX_FEED_EVENTS: u64 = 5_000;

impl CalendarService<'_> {
    pub async fn feed(&self, ctx: &Ctx) -> Result<CalendarFeed, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let row = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::UserId.eq(ctx.user_id.into_uuid()))
            .one(&self.kite.db)
            .await?;
        Ok(CalendarFeed {
            active: row.is_some(),
            created_at: row.as_ref().map(|r| r.created_at),
            last_fetched_at: row.and_then(|r| r.last_fetched_at),
        })
    }

    /// A new feed URL for the signed-in user, replacing any earlier one.
    pub async fn create_feed(&self, ctx: &Ctx) -> Result<CreatedCalendarFeed, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let token = generate_opaque_token()?;
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        calendar_feed::Entity::delete_many()
            .filter(calendar_feed::Column::UserId.eq(ctx.user_id.into_uuid()))
            .exec(&*txn)
            .await?;
        let row = calendar_feed::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            user_id: Set(ctx.user_id.into_uuid()),
            token_hash: Set(hash_opaque_token(&token)),
            created_at: Set(now),
            last_fetched_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("calendar_feed.created", "calendar_feed", row.id),
        )
        .await?;
        txn.commit().await?;
        Ok(CreatedCalendarFeed {
            url: format!(
                "{}/ical/{token}.ics",
                self.kite.settings.public_url.trim_end_matches('/')
            ),
            created_at: now,
        })
    }

    pub async fn revoke_feed(&self, ctx: &Ctx) -> Result<(), CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let txn = self.kite.begin().await?;
        let removed = calendar_feed::Entity::delete_many()
            .filter(calendar_feed::Column::UserId.eq(ctx.user_id.into_uuid()))
            .exec(&*txn)
            .await?;
        if removed.rows_affected == 0 {
            return Err(CoreError::NotFound("calendar feed"));
        }
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("calendar_feed.revoked", "calendar_feed", ctx.user_id.into_uuid()),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The feed behind a token: the user's events (owned or attended) as iCalendar.
    pub async fn feed_ics(&self, token: &str) -> Result<String, CoreError> {
        let db = &self.kite.db;
        let feed = calendar_feed::Entity::find()
            .filter(calendar_feed::Column::TokenHash.eq(hash_opaque_token(token)))
            .one(db)
            .await?
            .ok_or(CoreError::NotFound("calendar feed"))?;
        let owner = user::Entity::find_by_id(feed.user_id)
            .filter(user::Column::Active.eq(true))
            .one(db)
            .await?
            .ok_or(CoreError::NotFound("calendar feed"))?;
        let now = Utc::now();
        calendar_feed::Entity::update_many()
            .col_expr(calendar_feed::Column::LastFetchedAt, Expr::value(now))
            .filter(calendar_feed::Column::Id.eq(feed.id))
            .exec(db)
            .await?;
        let rows = on_calendar(feed.organization_id)
            .filter(of_user(owner.id))
            .filter(activity::Column::DueAt.gte(now - Duration::days(PAST_DAYS)))
            .filter(activity::Column::DueAt.lt(now + Duration::days(FUTURE_DAYS)))
            .order_by_asc(activity::Column::DueAt)
            .order_by_asc(activity::Column::Id)
            .limit(MAX_FEED_EVENTS)
            .all(db)
            .await?;
        let mut calendar = ics::calendar(&format!("Kite — {}", owner.name), None);
        // Tells apps that honour it to poll hourly rather than daily.
        calendar.ttl(&Duration::hours(1));
        for activity in named(db, &rows).await? {
            if let Some(event) = ics::event(&activity, None) {
                calendar.push(event);
            }
        }
        Ok(calendar.done().to_string())
    }
}
