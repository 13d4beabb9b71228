//! Reads what the suggestion rules look at, for one user (their deals, contacts, tasks
//! and approvals) or one record. Each part is one grouped query bounded by the user's
//! own records, so the home page stays quick for an owner of thousands of deals.

use super::rules::{
    ENGAGED_WITHIN_DAYS, EngagedContact, HOT_SCORE, HotContact, OpenDeal, OverdueTask, Situation, WaitingApproval,
};
use crate::model::Parameters;
use crate::store;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use kite_core::{CoreError, Ctx, Kite};
use kite_entity::{activity, contact, deal, deal_stage_change, email, stage};
use kite_shared::approvals::{ApprovalBox, ApprovalListQuery, ApprovalStatus};
use kite_shared::crm::notes::RecordKind;
use kite_shared::insights::ScoreSubject;
use kite_shared::page::PageQuery;
use sea_orm::sea_query::{Condition, Expr, SelectStatement};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use std::collections::HashMap;
use uuid::Uuid;

/// Whose suggestions: the signed-in user's across their records, or one record's.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Mine,
    Deal(Uuid),
    Contact(Uuid),
}

/// Hot contacts looked at per user: the highest scores.
const HOT_CONTACTS: u64 = 200;
/// Overdue tasks looked at: the oldest.
const OVERDUE_TASKS: u64 = 100;

fn contact_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

/// Ids of the open deals in scope, as a subquery.
fn deals_in(org: Uuid, me: Uuid, scope: Scope) -> Option<SelectStatement> {
    let query = deal::Entity::find()
        .select_only()
        .column(deal::Column::Id)
        .filter(deal::Column::OrganizationId.eq(org))
        .filter(deal::Column::Status.eq("open"))
        .filter(deal::Column::DeletedAt.is_null());
    match scope {
        Scope::Mine => Some(query.filter(deal::Column::OwnerId.eq(me)).into_query()),
        Scope::Deal(id) => Some(query.filter(deal::Column::Id.eq(id)).into_query()),
        Scope::Contact(_) => None,
    }
}

/// Ids of the contacts in scope, as a subquery.
fn contacts_in(org: Uuid, me: Uuid, scope: Scope) -> Option<SelectStatement> {
    let query = contact::Entity::find()
        .select_only()
        .column(contact::Column::Id)
        .filter(contact::Column::OrganizationId.eq(org))
        .filter(contact::Column::DeletedAt.is_null());
    match scope {
        Scope::Mine => Some(query.filter(contact::Column::OwnerId.eq(me)).into_query()),
        Scope::Contact(id) => Some(query.filter(contact::Column::Id.eq(id)).into_query()),
        Scope::Deal(_) => None,
    }
}

/// Per record id: when it was last touched, and (for deals) its open activities.
type Touch = (Option<Uuid>, Option<DateTime<Utc>>, Option<i64>);
/// Per contact: the latest open and click.
type Engagement = (Option<Uuid>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// A contact's id with its latest open and click.
type Engaged = (Uuid, Option<DateTime<Utc>>, Option<DateTime<Utc>>);
type ContactTuple = (Uuid, String, String, Option<i32>, DateTime<Utc>);

type DealTuple = (Uuid, String, Uuid, Option<NaiveDate>, Option<i32>, DateTime<Utc>);

async fn open_deals(db: &DatabaseConnection, org: Uuid, ids: SelectStatement) -> Result<Vec<OpenDeal>, CoreError> {
    let rows: Vec<DealTuple> = deal::Entity::find()
        .select_only()
        .columns([
            deal::Column::Id,
            deal::Column::Title,
            deal::Column::StageId,
            deal::Column::ExpectedClose,
            deal::Column::Score,
            deal::Column::CreatedAt,
        ])
        .filter(deal::Column::Id.in_subquery(ids.clone()))
        .into_tuple()
        .all(db)
        .await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let touches: Vec<Touch> = activity::Entity::find()
        .select_only()
        .column(activity::Column::DealId)
        .column_as(activity::Column::CreatedAt.max(), "last")
        .column_as(Expr::cust("SUM(CASE WHEN done_at IS NULL THEN 1 ELSE 0 END)"), "open")
        .filter(activity::Column::OrganizationId.eq(org))
        .filter(activity::Column::DeletedAt.is_null())
        .filter(activity::Column::DealId.in_subquery(ids.clone()))
        .group_by(activity::Column::DealId)
        .into_tuple()
        .all(db)
        .await?;
    let touches: HashMap<Uuid, (Option<DateTime<Utc>>, i64)> = touches
        .into_iter()
        .filter_map(|(id, last, open)| Some((id?, (last, open.unwrap_or(0)))))
        .collect();
    let entered: Vec<(Uuid, Option<DateTime<Utc>>)> = deal_stage_change::Entity::find()
        .select_only()
        .column(deal_stage_change::Column::DealId)
        .column_as(deal_stage_change::Column::MovedAt.max(), "entered")
        .filter(deal_stage_change::Column::DealId.in_subquery(ids))
        .group_by(deal_stage_change::Column::DealId)
        .into_tuple()
        .all(db)
        .await?;
    let entered: HashMap<Uuid, DateTime<Utc>> = entered.into_iter().filter_map(|(id, at)| Some((id, at?))).collect();
    let stages: HashMap<Uuid, String> = stage::Entity::find()
        .select_only()
        .columns([stage::Column::Id, stage::Column::Name])
        .filter(stage::Column::OrganizationId.eq(org))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, title, stage_id, expected_close, score, created_at)| {
            let (last, open) = touches.get(&id).copied().unwrap_or((None, 0));
            OpenDeal {
                id,
                title,
                stage_id,
                stage_name: stages.get(&stage_id).cloned().unwrap_or_default(),
                entered_stage_at: entered.get(&id).copied().unwrap_or(created_at).max(created_at),
                expected_close,
                score: score.map(|s| s.clamp(0, 100) as u8),
                last_touch: last.unwrap_or(created_at).max(created_at),
                open_activities: open.max(0) as u32,
            }
        })
        .collect())
}

/// Per contact, when they were last written to or had an activity logged.
async fn contact_touches(
    db: &DatabaseConnection,
    org: Uuid,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, DateTime<Utc>>, CoreError> {
    let mut last: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for chunk in ids.chunks(crate::load::CHUNK) {
        let activities: Vec<(Option<Uuid>, Option<DateTime<Utc>>)> = activity::Entity::find()
            .select_only()
            .column(activity::Column::ContactId)
            .column_as(activity::Column::CreatedAt.max(), "last")
            .filter(activity::Column::OrganizationId.eq(org))
            .filter(activity::Column::DeletedAt.is_null())
            .filter(activity::Column::ContactId.is_in(chunk.iter().copied()))
            .group_by(activity::Column::ContactId)
            .into_tuple()
            .all(db)
            .await?;
        let emails: Vec<(Option<Uuid>, Option<DateTime<Utc>>)> = email::Entity::find()
            .select_only()
            .column(email::Column::ContactId)
            .column_as(email::Column::CreatedAt.max(), "last")
            .filter(email::Column::OrganizationId.eq(org))
            .filter(email::Column::Direction.eq("out"))
            .filter(email::Column::ContactId.is_in(chunk.iter().copied()))
            .group_by(email::Column::ContactId)
            .into_tuple()
            .all(db)
            .await?;
        for (id, at) in activities.into_iter().chain(emails) {
            if let (Some(id), Some(at)) = (id, at) {
                let entry = last.entry(id).or_insert(at);
                *entry = (*entry).max(at);
            }
        }
    }
    Ok(last)
}

async fn names(db: &DatabaseConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, String>, CoreError> {
    let mut names = HashMap::new();
    for chunk in ids.chunks(crate::load::CHUNK) {
        let rows: Vec<(Uuid, String, String)> = contact::Entity::find()
            .select_only()
            .columns([
                contact::Column::Id,
                contact::Column::FirstName,
                contact::Column::LastName,
            ])
            .filter(contact::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        names.extend(
            rows.into_iter()
                .map(|(id, first, last)| (id, contact_name(&first, &last))),
        );
    }
    Ok(names)
}

/// Contacts who clicked any email, or opened one written to them alone (a campaign's
/// opens are too many, and often a mail client's prefetch), recently and have not been
/// written to since.
async fn engaged(
    db: &DatabaseConnection,
    org: Uuid,
    ids: SelectStatement,
    now: DateTime<Utc>,
) -> Result<Vec<EngagedContact>, CoreError> {
    let since = now - Duration::days(ENGAGED_WITHIN_DAYS);
    let rows: Vec<Engagement> = email::Entity::find()
        .select_only()
        .column(email::Column::ContactId)
        .column_as(
            Expr::cust("MAX(CASE WHEN campaign_id IS NULL THEN last_opened_at END)"),
            "opened",
        )
        .column_as(email::Column::LastClickedAt.max(), "clicked")
        .filter(email::Column::OrganizationId.eq(org))
        .filter(email::Column::Direction.eq("out"))
        .filter(email::Column::ContactId.in_subquery(ids))
        .filter(
            Condition::any().add(email::Column::LastClickedAt.gte(since)).add(
                Condition::all()
                    .add(email::Column::CampaignId.is_null())
                    .add(email::Column::LastOpenedAt.gte(since)),
            ),
        )
        .group_by(email::Column::ContactId)
        .into_tuple()
        .all(db)
        .await?;
    let rows: Vec<Engaged> = rows
        .into_iter()
        .filter_map(|(id, opened, clicked)| {
            Some((id?, opened.filter(|at| *at >= since), clicked.filter(|at| *at >= since)))
        })
        .collect();
    let ids: Vec<Uuid> = rows.iter().map(|(id, ..)| *id).collect();
    let touched = contact_touches(db, org, &ids).await?;
    let names = names(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter(|(id, opened, clicked)| {
            let engaged_at = opened.max(clicked).unwrap_or(since);
            // The email engaged with was itself written before it was opened.
            touched.get(id).is_none_or(|last| *last <= engaged_at)
        })
        .map(|(id, opened_at, clicked_at)| EngagedContact {
            name: names.get(&id).cloned().unwrap_or_default(),
            id,
            opened_at,
            clicked_at,
        })
        .collect())
}

async fn hot_contacts(db: &DatabaseConnection, org: Uuid, ids: SelectStatement) -> Result<Vec<HotContact>, CoreError> {
    let rows: Vec<ContactTuple> = contact::Entity::find()
        .select_only()
        .columns([
            contact::Column::Id,
            contact::Column::FirstName,
            contact::Column::LastName,
            contact::Column::Score,
            contact::Column::CreatedAt,
        ])
        .filter(contact::Column::Id.in_subquery(ids))
        .filter(contact::Column::Score.gte(i32::from(HOT_SCORE)))
        .order_by_desc(contact::Column::Score)
        .limit(HOT_CONTACTS)
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let touched = contact_touches(db, org, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|(id, first, last, score, created_at)| HotContact {
            id,
            name: contact_name(&first, &last),
            score: score.unwrap_or(0).clamp(0, 100) as u8,
            last_touch: touched.get(&id).copied().unwrap_or(created_at).max(created_at),
        })
        .collect())
}

type TaskTuple = (Uuid, String, Option<DateTime<Utc>>, Option<Uuid>, Option<Uuid>);

async fn overdue_tasks(
    db: &DatabaseConnection,
    org: Uuid,
    me: Uuid,
    scope: Scope,
    now: DateTime<Utc>,
) -> Result<Vec<OverdueTask>, CoreError> {
    let query = activity::Entity::find()
        .select_only()
        .columns([
            activity::Column::Id,
            activity::Column::Subject,
            activity::Column::DueAt,
            activity::Column::DealId,
            activity::Column::ContactId,
        ])
        .filter(activity::Column::OrganizationId.eq(org))
        .filter(activity::Column::DeletedAt.is_null())
        .filter(activity::Column::DoneAt.is_null())
        .filter(activity::Column::DueAt.lt(now));
    let query = match scope {
        Scope::Mine => query.filter(activity::Column::OwnerId.eq(me)),
        Scope::Deal(id) => query.filter(activity::Column::DealId.eq(id)),
        Scope::Contact(id) => query.filter(activity::Column::ContactId.eq(id)),
    };
    let rows: Vec<TaskTuple> = query
        .order_by_asc(activity::Column::DueAt)
        .limit(OVERDUE_TASKS)
        .into_tuple()
        .all(db)
        .await?;
    let deal_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.3).collect();
    let deal_titles: HashMap<Uuid, String> = deal::Entity::find()
        .select_only()
        .columns([deal::Column::Id, deal::Column::Title])
        .filter(deal::Column::Id.is_in(deal_ids))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let contact_ids: Vec<Uuid> = rows.iter().filter(|r| r.3.is_none()).filter_map(|r| r.4).collect();
    let contact_names = names(db, &contact_ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, subject, due_at, deal_id, contact_id)| {
            let record = match (deal_id, contact_id) {
                (Some(deal), _) => deal_titles.get(&deal).map(|t| (RecordKind::Deal, deal, t.clone())),
                (None, Some(contact)) => contact_names
                    .get(&contact)
                    .map(|n| (RecordKind::Contact, contact, n.clone())),
                (None, None) => None,
            };
            Some(OverdueTask {
                id,
                subject,
                due_at: due_at?,
                record,
            })
        })
        .collect())
}

async fn approvals(kite: &Kite, ctx: &Ctx, deal: Option<Uuid>) -> Result<Vec<WaitingApproval>, CoreError> {
    let query = ApprovalListQuery {
        inbox: Some(ApprovalBox::Waiting),
        status: Some(ApprovalStatus::Pending),
        deal_id: deal,
    };
    let page = PageQuery {
        per_page: Some(50),
        total: Some(false),
        ..PageQuery::default()
    };
    let waiting = kite.approvals().list(ctx, &query, &page).await?;
    Ok(waiting
        .items
        .into_iter()
        .filter(|a| a.waiting_on_me)
        .map(|a| WaitingApproval {
            id: a.id,
            deal_id: a.deal_id,
            deal_title: a.snapshot.title,
            step: a.current_step,
            requester: a.requester_name,
            overdue: a.overdue,
        })
        .collect())
}

/// The stages' usual stays, from the deal model's norms (none before a first training).
async fn stage_norms(kite: &Kite, org: Uuid) -> Result<HashMap<Uuid, f64>, CoreError> {
    Ok(store::current(kite, org, ScoreSubject::Deal)
        .await?
        .and_then(|row| serde_json::from_str::<Parameters>(&row.parameters).ok())
        .map(|p| p.norms.stage_median_days)
        .unwrap_or_default())
}

pub async fn read(kite: &Kite, ctx: &Ctx, scope: Scope, now: DateTime<Utc>) -> Result<Situation, CoreError> {
    let db = &kite.db;
    let org = ctx.organization_id.into_uuid();
    let me = ctx.user_id.into_uuid();
    let deals = match deals_in(org, me, scope) {
        Some(ids) => open_deals(db, org, ids).await?,
        None => Vec::new(),
    };
    let (engaged, hot_contacts) = match contacts_in(org, me, scope) {
        Some(ids) => (
            engaged(db, org, ids.clone(), now).await?,
            hot_contacts(db, org, ids).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    let approvals = match scope {
        Scope::Mine => approvals(kite, ctx, None).await?,
        Scope::Deal(id) => approvals(kite, ctx, Some(id)).await?,
        Scope::Contact(_) => Vec::new(),
    };
    Ok(Situation {
        stage_norms: if deals.is_empty() {
            HashMap::new()
        } else {
            stage_norms(kite, org).await?
        },
        deals,
        overdue_tasks: overdue_tasks(db, org, me, scope, now).await?,
        engaged,
        hot_contacts,
        approvals,
    })
}
