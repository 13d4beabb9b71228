//! Reads what scoring needs in bulk: one query per table for the whole organization
//! (training, rescoring everything), or for named records in chunks (rescoring what
//! changed). Only the columns used cross the driver.

use crate::facts::{Engagement, sort_all};
use crate::history::{CompanyRow, ContactRow, DealRow, History, Move, StageRow};
use chrono::{DateTime, NaiveDate, Utc};
use kite_entity::{activity, company, contact, deal, deal_contact, deal_stage_change, email, stage};
use sea_orm::sea_query::Condition;
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashSet;
use std::future::Future;
use uuid::Uuid;

/// Ids per `IN (…)`: well under every driver's limit on bound values.
pub(crate) const CHUNK: usize = 500;

/// Which records to read: all of them, or these contacts and deals (with what their
/// scores depend on).
pub enum Only<'a> {
    All,
    Some { contacts: &'a [Uuid], deals: &'a [Uuid] },
}

/// Runs `read` once without a filter, or once per chunk of `ids`.
async fn by_chunks<T, F, Fut>(ids: Option<&[Uuid]>, read: F) -> Result<Vec<T>, DbErr>
where
    F: Fn(Option<Vec<Uuid>>) -> Fut,
    Fut: Future<Output = Result<Vec<T>, DbErr>>,
{
    match ids {
        None => read(None).await,
        Some(ids) => {
            let mut rows = Vec::new();
            for chunk in ids.chunks(CHUNK) {
                rows.extend(read(Some(chunk.to_vec())).await?);
            }
            Ok(rows)
        }
    }
}

type DealTuple = (
    Uuid,
    i64,
    String,
    Uuid,
    String,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
    Option<Uuid>,
    Option<Uuid>,
    Option<NaiveDate>,
);

pub async fn history(db: &DatabaseConnection, org: Uuid, only: Only<'_>) -> Result<History, DbErr> {
    let (deal_ids, contact_ids) = match only {
        Only::All => (None, None),
        Only::Some { contacts, deals } => (Some(deals), Some(contacts)),
    };
    let mut history = History::default();

    let deals: Vec<DealTuple> = by_chunks(deal_ids, |ids| async move {
        let mut query = deal::Entity::find()
            .select_only()
            .columns([
                deal::Column::Id,
                deal::Column::ValueMinor,
                deal::Column::Currency,
                deal::Column::StageId,
                deal::Column::Status,
                deal::Column::ClosedAt,
                deal::Column::CreatedAt,
                deal::Column::OwnerId,
                deal::Column::CompanyId,
                deal::Column::ExpectedClose,
            ])
            .filter(deal::Column::OrganizationId.eq(org))
            .filter(deal::Column::DeletedAt.is_null());
        if let Some(ids) = ids {
            query = query.filter(deal::Column::Id.is_in(ids));
        }
        query.into_tuple().all(db).await
    })
    .await?;
    history.deals = deals
        .into_iter()
        .map(
            |(
                id,
                value_minor,
                currency,
                stage_id,
                status,
                closed_at,
                created_at,
                owner_id,
                company_id,
                expected_close,
            )| {
                DealRow {
                    id,
                    value_minor,
                    currency,
                    stage_id,
                    won: match status.as_str() {
                        "won" => Some(true),
                        "lost" => Some(false),
                        _ => None,
                    },
                    closed_at,
                    created_at,
                    owner_id,
                    company_id,
                    expected_close,
                }
            },
        )
        .collect();
    let loaded_deals: Vec<Uuid> = history.deals.iter().map(|d| d.id).collect();
    let deal_filter = deal_ids.map(|_| loaded_deals.as_slice());

    let stages: Vec<(Uuid, String, i32)> = stage::Entity::find()
        .select_only()
        .columns([stage::Column::Id, stage::Column::Name, stage::Column::Probability])
        .filter(stage::Column::OrganizationId.eq(org))
        .into_tuple()
        .all(db)
        .await?;
    history.stages = stages
        .into_iter()
        .map(|(id, name, probability)| (id, StageRow { name, probability }))
        .collect();

    let moves: Vec<(Uuid, DateTime<Utc>, Uuid)> = by_chunks(deal_filter, |ids| async move {
        let mut query = deal_stage_change::Entity::find()
            .select_only()
            .columns([
                deal_stage_change::Column::DealId,
                deal_stage_change::Column::MovedAt,
                deal_stage_change::Column::ToStageId,
            ])
            .filter(deal_stage_change::Column::OrganizationId.eq(org))
            .order_by_asc(deal_stage_change::Column::MovedAt);
        if let Some(ids) = ids {
            query = query.filter(deal_stage_change::Column::DealId.is_in(ids));
        }
        query.into_tuple().all(db).await
    })
    .await?;
    for (deal_id, at, to) in moves {
        history.moves.entry(deal_id).or_default().push(Move { at, to });
    }
    for moves in history.moves.values_mut() {
        moves.sort_by_key(|m| m.at);
    }

    let links: Vec<(Uuid, Uuid)> = by_chunks(deal_filter, |ids| async move {
        let mut query = deal_contact::Entity::find()
            .select_only()
            .columns([deal_contact::Column::DealId, deal_contact::Column::ContactId])
            .filter(deal_contact::Column::OrganizationId.eq(org));
        if let Some(ids) = ids {
            query = query.filter(deal_contact::Column::DealId.is_in(ids));
        }
        query.into_tuple().all(db).await
    })
    .await?;
    for (deal_id, contact_id) in links {
        history.deal_contacts.entry(deal_id).or_default().push(contact_id);
    }
    for contacts in history.deal_contacts.values_mut() {
        // Ids are time-ordered: the first is the contact linked first.
        contacts.sort_unstable();
    }

    // The named contacts and the people on the named deals.
    let wanted_contacts: Option<Vec<Uuid>> = contact_ids.map(|named| {
        let mut ids: HashSet<Uuid> = named.iter().copied().collect();
        ids.extend(history.deal_contacts.values().flatten().copied());
        ids.into_iter().collect()
    });
    type ContactTuple = (
        Uuid,
        String,
        Option<String>,
        Option<String>,
        Option<Uuid>,
        DateTime<Utc>,
    );
    let contacts: Vec<ContactTuple> = by_chunks(wanted_contacts.as_deref(), |ids| async move {
        let mut query = contact::Entity::find()
            .select_only()
            .columns([
                contact::Column::Id,
                contact::Column::LifecycleStage,
                contact::Column::Source,
                contact::Column::Title,
                contact::Column::CompanyId,
                contact::Column::CreatedAt,
            ])
            .filter(contact::Column::OrganizationId.eq(org))
            .filter(contact::Column::DeletedAt.is_null());
        if let Some(ids) = ids {
            query = query.filter(contact::Column::Id.is_in(ids));
        }
        query.into_tuple().all(db).await
    })
    .await?;
    history.contacts = contacts
        .into_iter()
        .map(|(id, lifecycle, source, title, company_id, created_at)| {
            (
                id,
                ContactRow {
                    lifecycle,
                    source,
                    title,
                    company_id,
                    created_at,
                },
            )
        })
        .collect();
    let loaded_contacts: Vec<Uuid> = history.contacts.keys().copied().collect();
    let contact_filter = contact_ids.map(|_| loaded_contacts.as_slice());

    let wanted_companies: Option<Vec<Uuid>> = contact_ids.map(|_| {
        let ids: HashSet<Uuid> = history
            .contacts
            .values()
            .filter_map(|c| c.company_id)
            .chain(history.deals.iter().filter_map(|d| d.company_id))
            .collect();
        ids.into_iter().collect()
    });
    let companies: Vec<(Uuid, Option<String>, Option<String>)> =
        by_chunks(wanted_companies.as_deref(), |ids| async move {
            let mut query = company::Entity::find()
                .select_only()
                .columns([company::Column::Id, company::Column::Size, company::Column::Industry])
                .filter(company::Column::OrganizationId.eq(org))
                .filter(company::Column::DeletedAt.is_null());
            if let Some(ids) = ids {
                query = query.filter(company::Column::Id.is_in(ids));
            }
            query.into_tuple().all(db).await
        })
        .await?;
    history.companies = companies
        .into_iter()
        .map(|(id, size, industry)| (id, CompanyRow { size, industry }))
        .collect();

    let activity_query = |column: activity::Column, ids: Option<Vec<Uuid>>| async move {
        let mut query = activity::Entity::find()
            .select_only()
            .columns([
                activity::Column::DealId,
                activity::Column::ContactId,
                activity::Column::CreatedAt,
            ])
            .filter(activity::Column::OrganizationId.eq(org))
            .filter(activity::Column::DeletedAt.is_null());
        query = match ids {
            Some(ids) => query.filter(column.is_in(ids)),
            None => query.filter(
                Condition::any()
                    .add(activity::Column::DealId.is_not_null())
                    .add(activity::Column::ContactId.is_not_null()),
            ),
        };
        query
            .into_tuple::<(Option<Uuid>, Option<Uuid>, DateTime<Utc>)>()
            .all(db)
            .await
    };
    let activities = by_chunks(deal_filter, |ids| activity_query(activity::Column::DealId, ids)).await?;
    if contact_filter.is_some() {
        // Read per named deal and per named contact: each side keeps only its own, or
        // an activity on both would count twice.
        for (deal_id, _, at) in activities {
            history.deal_activity.add(deal_id, at);
        }
        let of_contacts = by_chunks(contact_filter, |ids| activity_query(activity::Column::ContactId, ids)).await?;
        for (_, contact_id, at) in of_contacts {
            history.contact_activity.add(contact_id, at);
        }
    } else {
        for (deal_id, contact_id, at) in activities {
            history.deal_activity.add(deal_id, at);
            history.contact_activity.add(contact_id, at);
        }
    }
    sort_all(&mut history.deal_activity);
    sort_all(&mut history.contact_activity);

    type At = Option<DateTime<Utc>>;
    let emails: Vec<(Option<Uuid>, At, At, At)> = by_chunks(contact_filter, |ids| async move {
        let mut query = email::Entity::find()
            .select_only()
            .columns([
                email::Column::ContactId,
                email::Column::FirstOpenedAt,
                email::Column::FirstClickedAt,
                email::Column::RepliedAt,
            ])
            .filter(email::Column::OrganizationId.eq(org))
            .filter(email::Column::ContactId.is_not_null())
            .filter(
                Condition::any()
                    .add(email::Column::FirstOpenedAt.is_not_null())
                    .add(email::Column::RepliedAt.is_not_null()),
            );
        if let Some(ids) = ids {
            query = query.filter(email::Column::ContactId.is_in(ids));
        }
        query.into_tuple().all(db).await
    })
    .await?;
    for (contact_id, opened, clicked, replied) in emails {
        let Some(contact_id) = contact_id else { continue };
        let engagement: &mut Engagement = history.engagement.entry(contact_id).or_default();
        engagement.opens.times.extend(opened);
        engagement.clicks.times.extend(clicked);
        engagement.replies.times.extend(replied);
    }
    history.engagement.values_mut().for_each(Engagement::sort);
    Ok(history)
}

trait AddTime {
    fn add(&mut self, id: Option<Uuid>, at: DateTime<Utc>);
}

impl AddTime for crate::facts::Timelines {
    fn add(&mut self, id: Option<Uuid>, at: DateTime<Utc>) {
        if let Some(id) = id {
            self.entry(id).or_default().times.push(at);
        }
    }
}
