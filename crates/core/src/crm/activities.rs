//! Calls, emails, meetings, tasks and notes with a time, linked to any of a contact, a
//! company and a deal; and "my tasks" for the day.

use super::access::{check_link, require_edit, resolve_owner};
use super::calendar::attendees;
use super::calendar::timing::Timing;
use super::records;
use crate::audit::{self, Actor, Event};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use chrono::{Duration, Utc};
use kite_entity::{activity, company, contact, deal};
use kite_shared::crm::activities::{
    ActivityDto, ActivityInput, ActivityKind, ActivityListQuery, MyTasks, MyTasksQuery,
};
use kite_shared::crm::calendar::RescheduleInput;
use kite_shared::crm::notes::RecordKind;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{Permission, UserId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use uuid::Uuid;

pub const KIND: &str = "activities";
const GROUP_LIMIT: u64 = 100;

pub fn activity_dto(row: &activity::Model) -> ActivityDto {
    ActivityDto {
        id: row.id,
        kind: ActivityKind::parse(&row.kind),
        subject: row.subject.clone(),
        body: row.body.clone(),
        due_at: row.due_at,
        done_at: row.done_at,
        owner_id: row.owner_id.map(UserId),
        contact_id: row.contact_id,
        company_id: row.company_id,
        deal_id: row.deal_id,
        contact_name: None,
        company_name: None,
        deal_title: None,
        ends_at: row.ends_at,
        all_day: row.all_day,
        location: row.location.clone(),
        time_zone: row.time_zone.clone(),
        reminder_minutes: row.reminder_minutes,
        attendees: Vec::new(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

/// The activities with the names of the records they are linked to and their attendees.
pub(crate) async fn named(
    conn: &impl ConnectionTrait,
    rows: &[activity::Model],
) -> Result<Vec<ActivityDto>, CoreError> {
    let mut attendees = attendees::of(conn, &rows.iter().map(|a| a.id).collect::<Vec<_>>()).await?;
    let contacts = records::names::<contact::Entity>(conn, rows.iter().filter_map(|a| a.contact_id)).await?;
    let companies = records::names::<company::Entity>(conn, rows.iter().filter_map(|a| a.company_id)).await?;
    let deals = records::names::<deal::Entity>(conn, rows.iter().filter_map(|a| a.deal_id)).await?;
    let name =
        |names: &std::collections::HashMap<Uuid, String>, id: Option<Uuid>| id.and_then(|id| names.get(&id).cloned());
    Ok(rows
        .iter()
        .map(|row| ActivityDto {
            contact_name: name(&contacts, row.contact_id),
            company_name: name(&companies, row.company_id),
            deal_title: name(&deals, row.deal_id),
            attendees: attendees.remove(&row.id).unwrap_or_default(),
            ..activity_dto(row)
        })
        .collect())
}

pub(crate) async fn named_one(conn: &impl ConnectionTrait, row: &activity::Model) -> Result<ActivityDto, CoreError> {
    let mut named = named(conn, std::slice::from_ref(row)).await?;
    Ok(named.pop().unwrap_or_else(|| activity_dto(row)))
}

pub(crate) fn snapshot(row: &activity::Model) -> serde_json::Value {
    serde_json::to_value(activity_dto(row)).unwrap_or_default()
}

pub(crate) async fn find_live(conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<activity::Model, CoreError> {
    activity::Entity::find_by_id(id)
        .filter(activity::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(activity::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("activity"))
}

fn timing_of(input: &ActivityInput) -> Result<Timing, CoreError> {
    Timing::new(
        input.due_at,
        input.ends_at,
        input.all_day,
        input.time_zone.as_deref(),
        input.reminder_minutes,
    )
}

fn timing_of_row(row: &activity::Model) -> Result<Timing, CoreError> {
    Timing::new(
        row.due_at,
        row.ends_at,
        row.all_day,
        row.time_zone.as_deref(),
        row.reminder_minutes,
    )
}

/// Writes the times; a reminder that moved is sent again at its new time.
fn set_timing(row: &mut activity::ActiveModel, before: Option<&activity::Model>, timing: Timing) {
    if before.is_none_or(|b| b.remind_at != timing.remind_at) {
        row.reminded_at = Set(None);
    }
    row.due_at = Set(timing.due_at);
    row.ends_at = Set(timing.ends_at);
    row.all_day = Set(timing.all_day);
    row.time_zone = Set(timing.time_zone);
    row.reminder_minutes = Set(timing.reminder_minutes);
    row.remind_at = Set(timing.remind_at);
}

fn location_of(input: &ActivityInput) -> Option<String> {
    input
        .location
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
}

async fn check_links(conn: &impl ConnectionTrait, ctx: &Ctx, input: &ActivityInput) -> Result<(), CoreError> {
    check_link(conn, ctx, "contact_id", RecordKind::Contact, input.contact_id).await?;
    check_link(conn, ctx, "company_id", RecordKind::Company, input.company_id).await?;
    check_link(conn, ctx, "deal_id", RecordKind::Deal, input.deal_id).await
}

pub struct ActivityService<'a> {
    kite: &'a Kite,
}

impl<'a> ActivityService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn list(
        &self,
        ctx: &Ctx,
        query: &ActivityListQuery,
        page: &PageQuery,
    ) -> Result<Page<ActivityDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::parse(
            KIND,
            query.sort.as_deref(),
            "-created_at",
            &[
                ("due_at", activity::Column::DueAt),
                ("created_at", activity::Column::CreatedAt),
                ("subject", activity::Column::Subject),
            ],
            activity::Column::Id,
        )?;
        let org = ctx.organization_id.into_uuid();
        let mut select = activity::Entity::find()
            .filter(activity::Column::OrganizationId.eq(org))
            .filter(activity::Column::DeletedAt.is_null());
        if let Some(kind) = query.kind {
            select = select.filter(activity::Column::Kind.eq(kind.as_str()));
        }
        if let Some(owner) = query.owner_id {
            select = select.filter(activity::Column::OwnerId.eq(owner.into_uuid()));
        }
        if let Some(id) = query.contact_id {
            select = select.filter(activity::Column::ContactId.eq(id));
        }
        if let Some(id) = query.company_id {
            select = select.filter(activity::Column::CompanyId.eq(id));
        }
        if let Some(id) = query.deal_id {
            select = select.filter(activity::Column::DealId.eq(id));
        }
        select = match query.done {
            Some(true) => select.filter(activity::Column::DoneAt.is_not_null()),
            Some(false) => select.filter(activity::Column::DoneAt.is_null()),
            None => select,
        };
        let filter = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            query.kind, query.owner_id, query.contact_id, query.company_id, query.deal_id, query.done
        );
        let total = Total::Cached {
            organization: org,
            kind: KIND,
            filter,
        };
        let rows = paging::page(self.kite, select, &order, &request, total).await?;
        Ok(Page {
            items: named(&self.kite.db, &rows.items).await?,
            next_cursor: rows.next_cursor,
            total: rows.total,
        })
    }

    pub async fn create(&self, ctx: &Ctx, input: &ActivityInput) -> Result<ActivityDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(input.validate())?;
        let timing = timing_of(input)?;
        let txn = self.kite.begin().await?;
        check_links(&*txn, ctx, input).await?;
        let owner = resolve_owner(&*txn, ctx, input.owner_id, None).await?;
        let now = Utc::now();
        let mut row = activity::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            kind: Set(input.kind.unwrap_or(ActivityKind::Task).as_str().to_owned()),
            subject: Set(input.subject.trim().to_owned()),
            body: Set(input.body.clone().filter(|b| !b.trim().is_empty())),
            done_at: Set(input.done.unwrap_or(false).then_some(now)),
            location: Set(location_of(input)),
            owner_id: Set(owner),
            contact_id: Set(input.contact_id),
            company_id: Set(input.company_id),
            deal_id: Set(input.deal_id),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            ..Default::default()
        };
        set_timing(&mut row, None, timing);
        let row = row.insert(&*txn).await?;
        if let Some(list) = &input.attendees {
            attendees::replace(&*txn, ctx, row.id, list).await?;
        }
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("activity.created", "activity", row.id).after(snapshot(&row)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(row.organization_id, KIND);
        named_one(&self.kite.db, &row).await
    }

    /// Replaces the editable fields; `done` marks it done (keeping the first done time) or open.
    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &ActivityInput) -> Result<ActivityDto, CoreError> {
        CoreError::validation(input.validate())?;
        let timing = timing_of(input)?;
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        check_links(&*txn, ctx, input).await?;
        let owner = resolve_owner(&*txn, ctx, input.owner_id, before.owner_id).await?;
        let mut row = before.clone().into_active_model();
        if let Some(kind) = input.kind {
            row.kind = Set(kind.as_str().to_owned());
        }
        row.subject = Set(input.subject.trim().to_owned());
        row.body = Set(input.body.clone().filter(|b| !b.trim().is_empty()));
        row.location = Set(location_of(input));
        set_timing(&mut row, Some(&before), timing);
        if let Some(done) = input.done {
            row.done_at = Set(if done {
                before.done_at.or(Some(Utc::now()))
            } else {
                None
            });
        }
        row.owner_id = Set(owner);
        row.contact_id = Set(input.contact_id);
        row.company_id = Set(input.company_id);
        row.deal_id = Set(input.deal_id);
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        if let Some(list) = &input.attendees {
            attendees::replace(&*txn, ctx, id, list).await?;
        }
        self.updated(txn, ctx, &before, &after).await
    }

    /// Moves an activity to another time (a drag on the calendar), keeping its length
    /// unless a new end is given.
    pub async fn reschedule(&self, ctx: &Ctx, id: Uuid, input: &RescheduleInput) -> Result<ActivityDto, CoreError> {
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        let timing = timing_of_row(&before)?.moved(input.due_at, input.ends_at)?;
        let mut row = before.clone().into_active_model();
        set_timing(&mut row, Some(&before), timing);
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        self.updated(txn, ctx, &before, &after).await
    }

    /// Audits a change and commits it.
    async fn updated(
        &self,
        txn: crate::txn::WriteTxn,
        ctx: &Ctx,
        before: &activity::Model,
        after: &activity::Model,
    ) -> Result<ActivityDto, CoreError> {
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("activity.updated", "activity", after.id)
                .before(snapshot(before))
                .after(snapshot(after)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(after.organization_id, KIND);
        named_one(&self.kite.db, after).await
    }

    /// Reps delete their own activities; managers and admins any.
    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        let mut row = before.clone().into_active_model();
        row.deleted_at = Set(Some(Utc::now()));
        row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("activity.deleted", "activity", id).before(snapshot(&before)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(before.organization_id, KIND);
        Ok(())
    }

    /// The signed-in user's open activities: overdue, due today, upcoming, and tasks
    /// with no due time. "Today" is the user's day, from their time zone offset.
    pub async fn my_tasks(&self, ctx: &Ctx, query: &MyTasksQuery) -> Result<MyTasks, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let offset = Duration::minutes(i64::from(query.tz_offset_minutes.unwrap_or(0).clamp(-14 * 60, 14 * 60)));
        let local_now = Utc::now() + offset;
        let local_midnight = local_now.date_naive().and_hms_opt(0, 0, 0).map(|m| m.and_utc());
        let today_start = local_midnight.map_or(Utc::now(), |m| m - offset);
        let tomorrow_start = today_start + Duration::days(1);
        let open = || {
            activity::Entity::find()
                .filter(activity::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
                .filter(activity::Column::OwnerId.eq(ctx.user_id.into_uuid()))
                .filter(activity::Column::DeletedAt.is_null())
                .filter(activity::Column::DoneAt.is_null())
        };
        let db = &self.kite.db;
        let fetch = |select: sea_orm::Select<activity::Entity>| async move {
            let rows = select
                .order_by_asc(activity::Column::DueAt)
                .order_by_asc(activity::Column::Id)
                .limit(GROUP_LIMIT)
                .all(db)
                .await?;
            named(db, &rows).await
        };
        Ok(MyTasks {
            overdue: fetch(open().filter(activity::Column::DueAt.lt(today_start))).await?,
            today: fetch(
                open()
                    .filter(activity::Column::DueAt.gte(today_start))
                    .filter(activity::Column::DueAt.lt(tomorrow_start)),
            )
            .await?,
            upcoming: fetch(open().filter(activity::Column::DueAt.gte(tomorrow_start))).await?,
            someday: fetch(
                open()
                    .filter(activity::Column::DueAt.is_null())
                    .filter(activity::Column::Kind.eq(ActivityKind::Task.as_str())),
            )
            .await?,
        })
    }
}
