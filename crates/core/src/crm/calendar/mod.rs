//! The calendar: activities with a time, seen by range; each user's secret ICS feed;
//! invitations with an `.ics` attached; and reminders before an event or a due task.
//! Calendar events are activities (meetings, calls, tasks), not a second model.

pub(crate) mod attendees;
mod feed;
mod ics;
mod invitations;
pub mod reminders;
pub(crate) mod timing;

use super::activities::named;
use crate::{CoreError, Ctx, Kite};
use chrono::Duration;
use kite_entity::{activity, activity_attendee};
use kite_shared::Permission;
use kite_shared::crm::activities::{ActivityKind, MAX_EVENT_DAYS};
use kite_shared::crm::calendar::{CalendarEvents, CalendarQuery, MAX_RANGE_DAYS};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

/// The most events one view shows; a team's month stays well below.
const MAX_EVENTS: u64 = 1_000;

pub struct CalendarService<'a> {
    kite: &'a Kite,
}

/// Activities on a calendar: everything with a time except notes, which record what
/// happened rather than plan it.
fn on_calendar(organization: Uuid) -> sea_orm::Select<activity::Entity> {
    activity::Entity::find()
        .filter(activity::Column::OrganizationId.eq(organization))
        .filter(activity::Column::DeletedAt.is_null())
        .filter(activity::Column::DueAt.is_not_null())
        .filter(activity::Column::Kind.ne(ActivityKind::Note.as_str()))
}

/// The activities a user owns or attends.
fn of_user(user: Uuid) -> Condition {
    Condition::any().add(activity::Column::OwnerId.eq(user)).add(
        activity::Column::Id.in_subquery(
            Query::select()
                .column(activity_attendee::Column::ActivityId)
                .from(activity_attendee::Entity)
                .and_where(activity_attendee::Column::UserId.eq(user))
                .to_owned(),
        ),
    )
}

impl<'a> CalendarService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The events that overlap the range, oldest start first.
    pub async fn events(&self, ctx: &Ctx, query: &CalendarQuery) -> Result<CalendarEvents, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        if query.to <= query.from {
            return Err(CoreError::field(
                "to",
                "before_from",
                "The range ends before it starts.",
            ));
        }
        if query.to - query.from > Duration::days(MAX_RANGE_DAYS) {
            return Err(CoreError::field("to", "range_too_long", "At most 100 days at once."));
        }
        let org = ctx.organization_id.into_uuid();
        let of = |select: sea_orm::Select<activity::Entity>| match query.user_id {
            Some(user) => select.filter(of_user(user.into_uuid())),
            None => select,
        };
        // Two index ranges instead of one scan: the events that start in the range (by
        // start), and those that began before it and run into it (by end: an event
        // lasts at most MAX_EVENT_DAYS, so its end lies within that much after `from`).
        let starting = of(on_calendar(org)
            .filter(activity::Column::DueAt.gte(query.from))
            .filter(activity::Column::DueAt.lt(query.to)))
        .order_by_asc(activity::Column::DueAt)
        .order_by_asc(activity::Column::Id)
        .limit(MAX_EVENTS + 1)
        .all(&self.kite.db)
        .await?;
        let running = of(on_calendar(org)
            .filter(activity::Column::EndsAt.gt(query.from))
            .filter(activity::Column::EndsAt.lt(query.from + Duration::days(MAX_EVENT_DAYS)))
            .filter(activity::Column::DueAt.lt(query.from)))
        .order_by_asc(activity::Column::EndsAt)
        .limit(MAX_EVENTS + 1)
        .all(&self.kite.db)
        .await?;
        let mut rows = running;
        rows.sort_by_key(|r| (r.due_at, r.id));
        rows.extend(starting);
        let truncated = rows.len() as u64 > MAX_EVENTS;
        rows.truncate(MAX_EVENTS as usize);
        Ok(CalendarEvents {
            items: named(&self.kite.db, &rows).await?,
            truncated,
        })
    }
}
