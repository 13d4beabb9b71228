//! A record's timeline: its activities, notes, stage changes and field edits, newest
//! first, read from the tables that hold them (no second copy to keep in sync). Its
//! pages are cut like every list's (see [`crate::paging`]): after the last entry's time
//! and id, which each source table is asked for as a range.

use super::access::require_record;
use crate::paging::{self, Cursor, PageRequest, invalid_cursor};
use crate::{CoreError, Ctx, Kite};
use chrono::{DateTime, SecondsFormat, Utc};
use kite_entity::{
    activity, activity_attendee, approval_action, audit_log, campaign, company, contact, deal_stage_change, email,
    note, sequence, stage, user,
};
use kite_shared::crm::activities::ActivityKind;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::timeline::TimelineEntry;
use kite_shared::marketing::emails::EmailStatus;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{Permission, UserId};
use sea_orm::sea_query::{Condition, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use std::collections::HashMap;
use uuid::Uuid;

/// The cursor's list and order: one order only, newest first.
const LIST: &str = "timeline";
const SORT: &str = "-at";

/// Where a page of the timeline ends: an entry's time and its source's id.
type Position = (DateTime<Utc>, Uuid);

pub(crate) async fn user_names(
    conn: &impl ConnectionTrait,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, String>, CoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// "name, owner" from the keys whose values differ between an edit's before and after.
fn changed_fields(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> Vec<String> {
    let (Some(before), Some(after)) = (before.and_then(|b| b.as_object()), after.and_then(|a| a.as_object())) else {
        return Vec::new();
    };
    let mut fields: Vec<String> = after
        .iter()
        .filter(|(key, value)| key.as_str() != "updated_at" && before.get(key.as_str()) != Some(value))
        .map(|(key, _)| key.replace('_', " "))
        .collect();
    fields.sort();
    fields
}

/// Up to `limit` rows of `select` that come after `after` on the timeline (older, or as
/// old with a smaller id), newest first.
fn older<E: EntityTrait>(
    select: Select<E>,
    (at, id): (E::Column, E::Column),
    after: Option<Position>,
    limit: u64,
) -> Select<E> {
    let select = match after {
        Some((t, i)) => select.filter(
            Condition::all()
                .add(at.lte(t))
                .add(Condition::any().add(at.lt(t)).add(id.lt(i))),
        ),
        None => select,
    };
    select.order_by_desc(at).order_by_desc(id).limit(limit)
}

fn approval_title(action: &approval_action::Model) -> String {
    let step = action.step.map(|s| format!(" (step {s})")).unwrap_or_default();
    match action.action.as_str() {
        "requested" => "Asked for approval".into(),
        "approved" => format!("Approved{step}"),
        "rejected" => format!("Rejected{step}"),
        "commented" => "Commented on the approval".into(),
        "withdrawn" => "Withdrew the approval request".into(),
        "reassigned" => format!("Reassigned an approver{step}"),
        "voided" => "Approval request voided".into(),
        "applied" => "Approved move applied".into(),
        "reminded" => format!("Approvers reminded: overdue{step}"),
        other => format!("Approval: {other}"),
    }
}

fn position(raw: &str) -> Result<Position, CoreError> {
    let cursor = Cursor::decode(raw, LIST, SORT)?;
    let at = cursor
        .value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .ok_or_else(invalid_cursor)?;
    Ok((at.with_timezone(&Utc), cursor.id))
}

fn cursor_of(entry: &(TimelineEntry, Option<Uuid>)) -> Result<String, CoreError> {
    Cursor {
        value: serde_json::json!(entry.0.at.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        id: entry.0.source_id,
    }
    .encode(LIST, SORT)
}

/// "Campaign “Spring launch” · opened 2× · clicked once": what became of an email.
fn email_summary(email: &email::Model, campaign: Option<&String>, sequence: Option<&String>) -> String {
    let mut parts = Vec::new();
    if let Some(name) = campaign {
        parts.push(format!("Campaign “{name}”"));
    }
    if let Some(name) = sequence {
        parts.push(format!("Sequence “{name}”"));
    }
    if email.direction == "in" {
        parts.push(format!("From {}", email.from_email));
    }
    parts.push(
        EmailStatus::parse(&email.status)
            .map_or("Sent", EmailStatus::label)
            .to_owned(),
    );
    if email.open_count > 0 {
        parts.push(format!("opened {}×", email.open_count));
    }
    if email.click_count > 0 {
        parts.push(format!("clicked {}×", email.click_count));
    }
    if let Some(reason) = &email.status_reason {
        parts.push(reason.clone());
    }
    parts.join(" · ")
}

pub struct TimelineService<'a> {
    kite: &'a Kite,
}

impl<'a> TimelineService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The emails sent to (or received from) the contact, or about the deal. A campaign's
    /// email shows once it left (thousands wait in its queue); a one-off shows at once.
    async fn emails(
        &self,
        kind: RecordKind,
        id: Uuid,
        org: Uuid,
        after: Option<Position>,
        limit: u64,
        entries: &mut Vec<(TimelineEntry, Option<Uuid>)>,
    ) -> Result<(), CoreError> {
        let db = &self.kite.db;
        let link = if kind == RecordKind::Deal {
            email::Column::DealId
        } else {
            email::Column::ContactId
        };
        let unsent = [EmailStatus::Queued, EmailStatus::Sending, EmailStatus::Excluded].map(EmailStatus::as_str);
        let emails = older(
            email::Entity::find()
                .filter(email::Column::OrganizationId.eq(org))
                .filter(link.eq(id))
                .filter(
                    Condition::any()
                        .add(email::Column::CampaignId.is_null())
                        .add(email::Column::Status.is_not_in(unsent)),
                ),
            (email::Column::CreatedAt, email::Column::Id),
            after,
            limit,
        )
        .all(db)
        .await?;
        let campaign_ids: Vec<Uuid> = emails.iter().filter_map(|e| e.campaign_id).collect();
        let campaigns: HashMap<Uuid, String> = if campaign_ids.is_empty() {
            HashMap::new()
        } else {
            campaign::Entity::find()
                .filter(campaign::Column::Id.is_in(campaign_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect()
        };
        let sequence_ids: Vec<Uuid> = emails.iter().filter_map(|e| e.sequence_id).collect();
        let sequences: HashMap<Uuid, String> = if sequence_ids.is_empty() {
            HashMap::new()
        } else {
            sequence::Entity::find()
                .filter(sequence::Column::Id.is_in(sequence_ids))
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect()
        };
        for e in emails {
            let received = e.direction == "in";
            entries.push((
                TimelineEntry {
                    at: e.created_at,
                    kind: "email".into(),
                    title: format!(
                        "{}: {}",
                        if received { "Email received" } else { "Email sent" },
                        e.subject
                    ),
                    body: Some(email_summary(
                        &e,
                        e.campaign_id.and_then(|c| campaigns.get(&c)),
                        e.sequence_id.and_then(|s| sequences.get(&s)),
                    )),
                    actor_id: e.created_by.map(UserId),
                    actor_name: None,
                    source_id: e.id,
                },
                e.created_by,
            ));
        }
        Ok(())
    }

    pub async fn for_record(
        &self,
        ctx: &Ctx,
        kind: RecordKind,
        id: Uuid,
        page: &PageQuery,
    ) -> Result<Page<TimelineEntry>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let after = request.cursor.as_deref().map(position).transpose()?;
        let db = &self.kite.db;
        require_record(db, ctx, kind, id).await?;
        let org = ctx.organization_id.into_uuid();
        // Each source gives the first entries after the cursor, one more than a page:
        // merged, the first page's worth of them is the page, and one more says more follow.
        let limit = request.per_page.saturating_add(1);
        let mut entries: Vec<(TimelineEntry, Option<Uuid>)> = Vec::new();

        let link = match kind {
            RecordKind::Contact => activity::Column::ContactId,
            RecordKind::Company => activity::Column::CompanyId,
            RecordKind::Deal => activity::Column::DealId,
        };
        // A contact's timeline also shows the meetings it attends without being linked.
        let linked = if kind == RecordKind::Contact {
            Condition::any().add(link.eq(id)).add(
                activity::Column::Id.in_subquery(
                    Query::select()
                        .column(activity_attendee::Column::ActivityId)
                        .from(activity_attendee::Entity)
                        .and_where(activity_attendee::Column::ContactId.eq(id))
                        .to_owned(),
                ),
            )
        } else {
            Condition::all().add(link.eq(id))
        };
        let activities = older(
            activity::Entity::find()
                .filter(activity::Column::OrganizationId.eq(org))
                .filter(activity::Column::DeletedAt.is_null())
                .filter(linked),
            (activity::Column::CreatedAt, activity::Column::Id),
            after,
            limit,
        )
        .all(db)
        .await?;
        for a in activities {
            let kind_label = ActivityKind::parse(&a.kind).label();
            let done = if a.done_at.is_some() { " (done)" } else { "" };
            entries.push((
                TimelineEntry {
                    at: a.created_at,
                    kind: "activity".into(),
                    title: match &a.location {
                        Some(place) => format!("{kind_label}: {}{done} · {place}", a.subject),
                        None => format!("{kind_label}: {}{done}", a.subject),
                    },
                    body: a.body,
                    actor_id: a.owner_id.map(UserId),
                    actor_name: None,
                    source_id: a.id,
                },
                a.owner_id,
            ));
        }

        let notes = older(
            note::Entity::find()
                .filter(note::Column::OrganizationId.eq(org))
                .filter(note::Column::RecordId.eq(id)),
            (note::Column::CreatedAt, note::Column::Id),
            after,
            limit,
        )
        .all(db)
        .await?;
        for n in notes {
            entries.push((
                TimelineEntry {
                    at: n.created_at,
                    kind: "note".into(),
                    title: "Note".into(),
                    body: Some(n.body),
                    actor_id: n.author_id.map(UserId),
                    actor_name: None,
                    source_id: n.id,
                },
                n.author_id,
            ));
        }

        if kind != RecordKind::Company {
            self.emails(kind, id, org, after, limit, &mut entries).await?;
        }

        if kind == RecordKind::Deal {
            let changes = older(
                deal_stage_change::Entity::find()
                    .filter(deal_stage_change::Column::OrganizationId.eq(org))
                    .filter(deal_stage_change::Column::DealId.eq(id)),
                (deal_stage_change::Column::MovedAt, deal_stage_change::Column::Id),
                after,
                limit,
            )
            .all(db)
            .await?;
            let stage_names: HashMap<Uuid, String> = stage::Entity::find()
                .filter(stage::Column::OrganizationId.eq(org))
                .all(db)
                .await?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect();
            let name = |id: &Uuid| stage_names.get(id).cloned().unwrap_or_else(|| "a removed stage".into());
            for c in changes {
                let title = match &c.from_stage_id {
                    Some(from) => format!("Moved from {} to {}", name(from), name(&c.to_stage_id)),
                    None => format!("Created in {}", name(&c.to_stage_id)),
                };
                entries.push((
                    TimelineEntry {
                        at: c.moved_at,
                        kind: "stage_change".into(),
                        title,
                        body: None,
                        actor_id: c.moved_by.map(UserId),
                        actor_name: None,
                        source_id: c.id,
                    },
                    c.moved_by,
                ));
            }
        }

        if kind == RecordKind::Deal {
            let actions = older(
                approval_action::Entity::find()
                    .filter(approval_action::Column::OrganizationId.eq(org))
                    .filter(approval_action::Column::DealId.eq(id)),
                (approval_action::Column::CreatedAt, approval_action::Column::Id),
                after,
                limit,
            )
            .all(db)
            .await?;
            for a in actions {
                entries.push((
                    TimelineEntry {
                        at: a.created_at,
                        kind: "approval".into(),
                        title: approval_title(&a),
                        body: a.comment,
                        actor_id: a.actor_user_id.map(UserId),
                        actor_name: None,
                        source_id: a.id,
                    },
                    a.actor_user_id,
                ));
            }
        }

        // Records merged into this one bring their edits along.
        let mut entity_ids = vec![id.to_string()];
        let absorbed: Vec<Uuid> = match kind {
            RecordKind::Contact => {
                contact::Entity::find()
                    .select_only()
                    .column(contact::Column::Id)
                    .filter(contact::Column::OrganizationId.eq(org))
                    .filter(contact::Column::MergedIntoId.eq(id))
                    .into_tuple()
                    .all(db)
                    .await?
            }
            RecordKind::Company => {
                company::Entity::find()
                    .select_only()
                    .column(company::Column::Id)
                    .filter(company::Column::OrganizationId.eq(org))
                    .filter(company::Column::MergedIntoId.eq(id))
                    .into_tuple()
                    .all(db)
                    .await?
            }
            RecordKind::Deal => Vec::new(),
        };
        entity_ids.extend(absorbed.iter().map(Uuid::to_string));
        let merged_action = format!("{}.merged", kind.as_str());
        let edits = audit_log::Entity::find()
            .filter(audit_log::Column::OrganizationId.eq(org))
            .filter(audit_log::Column::EntityType.eq(kind.as_str()))
            .filter(audit_log::Column::EntityId.is_in(entity_ids))
            .filter(audit_log::Column::Action.is_in([format!("{}.updated", kind.as_str()), merged_action.clone()]));
        // Saves that changed nothing are left out, so this source is read until it has
        // as many entries as the others may (or runs out): a page must not end before
        // an edit that belongs on it.
        let mut shown = 0u64;
        let mut from = after;
        loop {
            let batch = older(
                edits.clone(),
                (audit_log::Column::CreatedAt, audit_log::Column::Id),
                from,
                limit,
            )
            .all(db)
            .await?;
            let exhausted = (batch.len() as u64) < limit;
            from = batch.last().map(|e| (e.created_at, e.id)).or(from);
            for e in batch {
                let title = if e.action == merged_action {
                    let name = e
                        .after
                        .as_ref()
                        .and_then(|a| a["merged"]["name"].as_str())
                        .unwrap_or("a duplicate");
                    format!("Merged {name} into this record")
                } else {
                    let fields = changed_fields(e.before.as_ref(), e.after.as_ref());
                    if fields.is_empty() {
                        continue;
                    }
                    format!("Changed {}", fields.join(", "))
                };
                shown += 1;
                entries.push((
                    TimelineEntry {
                        at: e.created_at,
                        kind: "change".into(),
                        title,
                        body: None,
                        actor_id: e.actor_user_id.map(UserId),
                        actor_name: None,
                        source_id: e.id,
                    },
                    e.actor_user_id,
                ));
            }
            if exhausted || shown >= limit {
                break;
            }
        }

        entries.sort_by(|a, b| b.0.at.cmp(&a.0.at).then(b.0.source_id.cmp(&a.0.source_id)));
        let (entries, next_cursor) = paging::cut(entries, request.per_page, cursor_of)?;
        let names = user_names(db, entries.iter().filter_map(|(_, actor)| *actor).collect()).await?;
        Ok(Page {
            items: entries
                .into_iter()
                .map(|(mut entry, actor)| {
                    entry.actor_name = actor.and_then(|a| names.get(&a).cloned());
                    entry
                })
                .collect(),
            next_cursor,
            // Unchanged saves are only found out by reading them: the timeline is not counted.
            total: None,
        })
    }
}
