//! Deals: value, stage, owner, company and contacts, and the history of every stage
//! change, which velocity and conversion analytics are computed from.

use super::access::{check_company, require_edit, resolve_owner};
use super::custom_fields::{filters as custom_filters, values as custom_values};
use super::listing::{self, RecordList};
use super::pipelines::{find_pipeline, find_stage, stages_of};
use super::records;
use super::tags;
use super::write::{Edit, Origin};
use crate::approvals;
use crate::audit::{self, Actor, Event};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{company, contact, deal, deal_contact, deal_stage_change, stage};
use kite_shared::crm::Money;
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::deals::{
    DealDto, DealInput, DealListQuery, DealStatus, MoveDealRequest, PendingApproval, StageChangeDto,
};
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::pipelines::StageKind;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{FieldError, Permission, UserId};
use sea_orm::ExprTrait;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, Select, Set,
};
use serde_json::json;
use uuid::Uuid;
use write::{DealFields, StageMove};

pub(crate) mod history;
pub(crate) mod write;

pub const KIND: &str = "deals";
const FIELDS: CustomFieldEntity = CustomFieldEntity::Deal;

/// What a deal's DTO shows besides its own row.
struct Related {
    company_name: Option<String>,
    contact_ids: Vec<Uuid>,
    tags: Vec<String>,
    pending_approval: Option<PendingApproval>,
    custom_fields: CustomValues,
}

fn deal_dto(row: &deal::Model, related: Related) -> DealDto {
    let Related {
        company_name,
        contact_ids,
        tags,
        pending_approval,
        custom_fields,
    } = related;
    DealDto {
        id: row.id,
        title: row.title.clone(),
        value: Money {
            minor: row.value_minor,
            currency: row.currency.clone(),
        },
        pipeline_id: row.pipeline_id,
        stage_id: row.stage_id,
        probability: row.probability,
        expected_close: row.expected_close,
        owner_id: row.owner_id.map(UserId),
        company_id: row.company_id,
        company_name,
        contact_ids,
        status: DealStatus::parse(&row.status),
        lost_reason: row.lost_reason.clone(),
        closed_at: row.closed_at,
        discount_percent: row.discount_percent,
        pending_approval,
        tags,
        score: super::record_score(row.score_detail.as_deref()),
        custom_fields,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

pub(crate) fn snapshot(row: &deal::Model) -> serde_json::Value {
    json!({
        "title": row.title, "value_minor": row.value_minor, "currency": row.currency,
        "discount_percent": row.discount_percent,
        "stage_id": row.stage_id, "status": row.status, "owner_id": row.owner_id,
        "probability": row.probability, "expected_close": row.expected_close, "company_id": row.company_id,
    })
}

pub(crate) async fn find_live(conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<deal::Model, CoreError> {
    records::find_live::<deal::Entity>(conn, ctx, id).await
}

/// The deal with its company's name, its contacts, its tags and its pending approval.
async fn full_dto(conn: &impl ConnectionTrait, row: &deal::Model) -> Result<DealDto, CoreError> {
    Ok(deal_dto(
        row,
        Related {
            company_name: company_name(conn, row.company_id).await?,
            contact_ids: contact_ids_of(conn, row.id).await?,
            tags: tags::names_of_one(conn, row.id).await?,
            pending_approval: approvals::pending_for(conn, row.organization_id, &[row.id])
                .await?
                .remove(&row.id),
            custom_fields: custom_values::of_record(conn, row.organization_id, FIELDS, row.id).await?,
        },
    ))
}

async fn contact_ids_of(conn: &impl ConnectionTrait, deal_id: Uuid) -> Result<Vec<Uuid>, CoreError> {
    Ok(deal_contact::Entity::find()
        .filter(deal_contact::Column::DealId.eq(deal_id))
        .all(conn)
        .await?
        .into_iter()
        .map(|dc| dc.contact_id)
        .collect())
}

async fn company_name(conn: &impl ConnectionTrait, id: Option<Uuid>) -> Result<Option<String>, CoreError> {
    Ok(records::names::<company::Entity>(conn, id).await?.into_values().next())
}

/// Replaces the deal's contacts, checking each is a live contact of the organization.
async fn set_contacts(conn: &impl ConnectionTrait, ctx: &Ctx, deal_id: Uuid, ids: &[Uuid]) -> Result<(), CoreError> {
    let mut unique: Vec<Uuid> = ids.to_vec();
    unique.sort();
    unique.dedup();
    let found = contact::Entity::find()
        .filter(contact::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(contact::Column::DeletedAt.is_null())
        .filter(contact::Column::Id.is_in(unique.clone()))
        .count(conn)
        .await?;
    if found != unique.len() as u64 {
        return Err(CoreError::field(
            "contact_ids",
            "unknown_contact",
            "One of the contacts does not exist.",
        ));
    }
    deal_contact::Entity::delete_many()
        .filter(deal_contact::Column::DealId.eq(deal_id))
        .exec(conn)
        .await?;
    for contact_id in unique {
        deal_contact::ActiveModel {
            organization_id: Set(ctx.organization_id.into_uuid()),
            deal_id: Set(deal_id),
            contact_id: Set(contact_id),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}

/// Where a deal lands in a column: right after `after`, or on top.
pub(crate) async fn position_in(
    conn: &impl ConnectionTrait,
    stage_id: Uuid,
    after: Option<Uuid>,
    moving: Option<Uuid>,
) -> Result<f64, CoreError> {
    let column = deal::Entity::find()
        .filter(deal::Column::StageId.eq(stage_id))
        .filter(deal::Column::DeletedAt.is_null());
    let column = match moving {
        Some(id) => column.filter(deal::Column::Id.ne(id)),
        None => column,
    };
    let Some(after) = after else {
        let first = column.order_by_asc(deal::Column::Position).one(conn).await?;
        return Ok(first.map_or(0.0, |d| d.position - 1.0));
    };
    let anchor = column
        .clone()
        .filter(deal::Column::Id.eq(after))
        .one(conn)
        .await?
        .ok_or_else(|| CoreError::field("after_deal_id", "not_in_stage", "That deal is not in the target stage."))?;
    let next = column
        .filter(deal::Column::Position.gt(anchor.position))
        .order_by_asc(deal::Column::Position)
        .one(conn)
        .await?;
    Ok(match next {
        Some(next) => (anchor.position + next.position) / 2.0,
        None => anchor.position + 1.0,
    })
}

async fn record_stage_change(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    deal_id: Uuid,
    from: Option<Uuid>,
    to: Uuid,
) -> Result<(), CoreError> {
    let mut row = [deal_stage_change::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(ctx.organization_id.into_uuid()),
        deal_id: Set(deal_id),
        from_stage_id: Set(from),
        to_stage_id: Set(to),
        moved_by: Set(Some(ctx.user_id.into_uuid())),
        moved_at: Set(Utc::now()),
        entered_at: Set(None),
    }];
    history::fill_entered_at(conn, &mut row).await?;
    let [row] = row;
    row.insert(conn).await?;
    Ok(())
}

/// Moves `before` into `stage`, on top of its column, with its history and audit row: a
/// move made for the caller by an approval.
pub(crate) async fn enter_stage(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    before: &deal::Model,
    stage: &stage::Model,
) -> Result<deal::Model, CoreError> {
    let now = Utc::now();
    let mut row = before.clone().into_active_model();
    write::apply_stage(&mut row, stage, None, now);
    row.position = Set(position_in(conn, stage.id, None, Some(before.id)).await?);
    row.updated_at = Set(now);
    record_stage_change(conn, ctx, before.id, Some(before.stage_id), stage.id).await?;
    let after = row.update(conn).await?;
    audit::record(
        conn,
        &Actor::from(ctx),
        Event::new("deal.stage_changed", "deal", before.id)
            .before(snapshot(before))
            .after(snapshot(&after)),
    )
    .await?;
    Ok(after)
}

impl RecordList for deal::Entity {
    type Query = DealListQuery;
    type Dto = DealDto;
    const DEFAULT_SORT: &'static str = "-created_at";
    const SORTS: &'static [(&'static str, deal::Column)] = &[
        ("title", deal::Column::Title),
        ("value", deal::Column::ValueMinor),
        ("expected_close", deal::Column::ExpectedClose),
        ("probability", deal::Column::Probability),
        ("score", deal::Column::Score),
        ("created_at", deal::Column::CreatedAt),
        ("updated_at", deal::Column::UpdatedAt),
    ];

    fn sort(query: &DealListQuery) -> Option<&str> {
        query.sort.as_deref()
    }

    async fn filter(
        kite: &Kite,
        ctx: &Ctx,
        query: &DealListQuery,
        mut select: Select<deal::Entity>,
    ) -> Result<(Select<deal::Entity>, String), CoreError> {
        if (query.min_value.is_some() || query.max_value.is_some()) && query.currency.is_none() {
            return Err(CoreError::field(
                "currency",
                "required",
                "A value range needs a currency: amounts of different currencies do not compare.",
            ));
        }
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            select = select.filter(
                Expr::expr(Func::lower(Expr::col(deal::Column::Title))).like(format!("%{}%", q.to_lowercase())),
            );
        }
        if let Some(id) = query.pipeline_id {
            select = select.filter(deal::Column::PipelineId.eq(id));
        }
        if let Some(id) = query.stage_id {
            select = select.filter(deal::Column::StageId.eq(id));
        }
        if let Some(status) = query.status {
            select = select.filter(deal::Column::Status.eq(status.as_str()));
        }
        if let Some(owner) = query.owner_id {
            select = select.filter(deal::Column::OwnerId.eq(owner.into_uuid()));
        }
        if let Some(id) = query.company_id {
            select = select.filter(deal::Column::CompanyId.eq(id));
        }
        if let Some(tag) = query.tag.as_deref().filter(|t| !t.trim().is_empty()) {
            let org = ctx.organization_id.into_uuid();
            select = select.filter(tags::filter(&kite.db, org, deal::Column::Id, tag).await?);
        }
        if let Some(contact) = query.contact_id {
            select = select.filter(
                deal::Column::Id.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(deal_contact::Column::DealId)
                        .from(deal_contact::Entity)
                        .and_where(deal_contact::Column::ContactId.eq(contact))
                        .to_owned(),
                ),
            );
        }
        if let Some(currency) = &query.currency {
            select = select.filter(deal::Column::Currency.eq(currency.as_str()));
        }
        if let Some(min) = query.min_value {
            select = select.filter(deal::Column::ValueMinor.gte(min));
        }
        if let Some(max) = query.max_value {
            select = select.filter(deal::Column::ValueMinor.lte(max));
        }
        if let Some(from) = query.close_from {
            select = select.filter(deal::Column::ExpectedClose.gte(from));
        }
        if let Some(to) = query.close_to {
            select = select.filter(deal::Column::ExpectedClose.lte(to));
        }
        let org = ctx.organization_id.into_uuid();
        for condition in
            custom_filters::conditions(&kite.db, org, FIELDS, deal::Column::Id, &query.custom_fields).await?
        {
            select = select.filter(condition);
        }
        let select = listing::score_range(select, deal::Column::Score, query.min_score, query.max_score)?;
        let key = format!(
            "{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            query.q,
            (query.tag.as_ref(), query.contact_id),
            query.pipeline_id,
            query.stage_id,
            query.status,
            query.owner_id,
            query.company_id,
            query.currency,
            query.min_value,
            query.max_value,
            query.close_from,
            query.close_to,
            (query.min_score, query.max_score),
            query.custom_fields
        );
        Ok((select, key))
    }

    async fn dtos(conn: &DatabaseConnection, rows: Vec<deal::Model>) -> Result<Vec<DealDto>, CoreError> {
        let names = records::names::<company::Entity>(conn, rows.iter().filter_map(|d| d.company_id)).await?;
        let ids: Vec<Uuid> = rows.iter().map(|d| d.id).collect();
        let mut tag_names = tags::names_of(conn, &ids).await?;
        let organization = rows.first().map(|d| d.organization_id).unwrap_or_default();
        let mut pending = approvals::pending_for(conn, organization, &ids).await?;
        let mut custom = custom_values::of_records(conn, organization, FIELDS, &ids).await?;
        Ok(rows
            .iter()
            .map(|d| {
                deal_dto(
                    d,
                    Related {
                        company_name: d.company_id.and_then(|c| names.get(&c).cloned()),
                        contact_ids: Vec::new(),
                        tags: tag_names.remove(&d.id).unwrap_or_default(),
                        pending_approval: pending.remove(&d.id),
                        custom_fields: custom.remove(&d.id).unwrap_or_default(),
                    },
                )
            })
            .collect())
    }
}

pub struct DealService<'a> {
    kite: &'a Kite,
}

impl<'a> DealService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// Deals as a table: filtered by pipeline, stage, status, owner, company, value range
    /// (in one currency) and expected close dates; sorted by any column shown.
    pub async fn list(&self, ctx: &Ctx, query: &DealListQuery, page: &PageQuery) -> Result<Page<DealDto>, CoreError> {
        listing::list::<deal::Entity>(self.kite, ctx, query, &PageRequest::parse(page)?).await
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<DealDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        full_dto(&self.kite.db, &find_live(&self.kite.db, ctx, id).await?).await
    }

    pub async fn create(&self, ctx: &Ctx, input: &DealInput) -> Result<DealDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        let mut fields = DealFields::parse(input).map_err(CoreError::Validation)?;
        let txn = self.kite.begin().await?;
        let custom = custom_values::check(&*txn, ctx, FIELDS, &input.custom_fields, true).await?;
        let pipeline = find_pipeline(&*txn, ctx, input.pipeline_id)
            .await?
            .ok_or_else(|| CoreError::field("pipeline_id", "unknown_pipeline", "No such pipeline."))?;
        let stages = stages_of(&*txn, pipeline.id).await?;
        let stage = match input.stage_id {
            Some(id) => stages.iter().find(|s| s.id == id),
            None => stages.iter().find(|s| s.kind == StageKind::Open.as_str()),
        }
        .cloned()
        .ok_or_else(|| CoreError::field("stage_id", "unknown_stage", "No such stage in this pipeline."))?;
        let company = check_company(&*txn, ctx, "company_id", input.company_id).await?;
        fields.company_id = company.as_ref().map(|c| c.id);
        fields.owner_id = resolve_owner(&*txn, ctx, input.owner_id, None).await?;
        let position = position_in(&*txn, stage.id, None, None).await?;
        let row = write::build_new(Uuid::now_v7(), fields, &stage, position, &Origin::of(ctx))
            .insert(&*txn)
            .await?;
        approvals::guard_create(&*txn, &row, &stage).await?;
        set_contacts(&*txn, ctx, row.id, &input.contact_ids).await?;
        record_stage_change(&*txn, ctx, row.id, None, stage.id).await?;
        let tag_names = match &input.tags {
            Some(names) => tags::replace(&*txn, row.organization_id, RecordKind::Deal, row.id, names).await?,
            None => Vec::new(),
        };
        let custom_fields = custom_values::store_new(&*txn, row.organization_id, row.id, &custom).await?;
        let after = custom_values::annotate(tags::annotate(snapshot(&row), &tag_names), &custom_fields);
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("deal.created", "deal", row.id).after(after),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(row.organization_id, KIND);
        full_dto(&self.kite.db, &row).await
    }

    /// Edits the deal's fields. A different `stage_id` is a move (with its history).
    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &DealInput) -> Result<DealDto, CoreError> {
        let mut fields = DealFields::parse(input).map_err(CoreError::Validation)?;
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        if input.pipeline_id.is_some_and(|p| p != before.pipeline_id) {
            return Err(CoreError::field(
                "pipeline_id",
                "cannot_change",
                "Move the deal to a stage of the other pipeline instead.",
            ));
        }
        let custom = custom_values::check(&*txn, ctx, FIELDS, &input.custom_fields, false).await?;
        let company = check_company(&*txn, ctx, "company_id", input.company_id).await?;
        fields.company_id = company.as_ref().map(|c| c.id);
        fields.owner_id = resolve_owner(&*txn, ctx, input.owner_id, before.owner_id).await?;
        let entering = match input.stage_id.filter(|s| *s != before.stage_id) {
            Some(stage_id) => {
                let stage = find_stage(&*txn, ctx, stage_id)
                    .await?
                    .filter(|s| s.pipeline_id == before.pipeline_id)
                    .ok_or_else(|| CoreError::field("stage_id", "unknown_stage", "No such stage in this pipeline."))?;
                if stage.kind == StageKind::Lost.as_str() {
                    return Err(CoreError::field(
                        "stage_id",
                        "use_move",
                        "Move the deal to Lost with a reason.",
                    ));
                }
                Some(stage)
            }
            None => None,
        };
        let moving = entering.as_ref().map_or(StageMove::Stay, StageMove::Enter);
        let (custom_before, custom_after) =
            custom_values::store_update(&*txn, before.organization_id, FIELDS, id, &custom).await?;
        let mut row = write::apply_update(&before, fields, moving, Edit::Save, Utc::now());
        if custom_after != custom_before {
            row.updated_at = Set(Utc::now());
        }
        if let Some(stage) = &entering {
            row.position = Set(position_in(&*txn, stage.id, None, Some(id)).await?);
            record_stage_change(&*txn, ctx, id, Some(before.stage_id), stage.id).await?;
        }
        let after = row.update(&*txn).await?;
        match &entering {
            Some(stage) => approvals::guard_move(&*txn, ctx, &after, stage).await?,
            None => approvals::on_deal_saved(self.kite, &*txn, ctx, &before, &after).await?,
        }
        set_contacts(&*txn, ctx, id, &input.contact_ids).await?;
        let tags_before = tags::names_of_one(&*txn, id).await?;
        let tags_after = match &input.tags {
            Some(names) => tags::replace(&*txn, after.organization_id, RecordKind::Deal, id, names).await?,
            None => tags_before.clone(),
        };
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("deal.updated", "deal", id)
                .before(custom_values::annotate(
                    tags::annotate(snapshot(&before), &tags_before),
                    &custom_before,
                ))
                .after(custom_values::annotate(
                    tags::annotate(snapshot(&after), &tags_after),
                    &custom_after,
                )),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(after.organization_id, KIND);
        full_dto(&self.kite.db, &after).await
    }

    /// Drag and drop on the board: into another stage and/or to another place in a column.
    pub async fn move_to(&self, ctx: &Ctx, id: Uuid, request: &MoveDealRequest) -> Result<DealDto, CoreError> {
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        let stage = find_stage(&*txn, ctx, request.stage_id)
            .await?
            .filter(|s| s.pipeline_id == before.pipeline_id)
            .ok_or_else(|| CoreError::field("stage_id", "unknown_stage", "No such stage in this deal's pipeline."))?;
        let lost_reason = request
            .lost_reason
            .as_ref()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        let entering = stage.id != before.stage_id;
        if entering && stage.kind == StageKind::Lost.as_str() && lost_reason.is_none() {
            return Err(CoreError::Validation(vec![FieldError::new(
                "lost_reason",
                "required",
                "Say why the deal was lost.",
            )]));
        }
        if lost_reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
            return Err(CoreError::field("lost_reason", "too_long", "At most 500 characters."));
        }
        let mut row = before.clone().into_active_model();
        if entering {
            write::apply_stage(&mut row, &stage, lost_reason, Utc::now());
            record_stage_change(&*txn, ctx, id, Some(before.stage_id), stage.id).await?;
        }
        row.position = Set(position_in(&*txn, stage.id, request.after_deal_id, Some(id)).await?);
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        if entering {
            approvals::guard_move(&*txn, ctx, &after, &stage).await?;
        }
        let action = if entering {
            "deal.stage_changed"
        } else {
            "deal.reordered"
        };
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new(action, "deal", id)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(after.organization_id, KIND);
        full_dto(&self.kite.db, &after).await
    }

    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        records::soft_delete::<deal::Entity>(self.kite, ctx, id, snapshot).await
    }

    pub async fn restore(&self, ctx: &Ctx, id: Uuid) -> Result<DealDto, CoreError> {
        records::restore::<deal::Entity>(self.kite, ctx, id).await?;
        self.get(ctx, id).await
    }

    /// Every stage the deal has been in, oldest first.
    pub async fn history(&self, ctx: &Ctx, id: Uuid, page: &PageQuery) -> Result<Page<StageChangeDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        find_live(&self.kite.db, ctx, id).await?;
        let order = Ordering::fixed(
            "deal_history",
            "moved_at",
            deal_stage_change::Column::MovedAt,
            false,
            deal_stage_change::Column::Id,
        )?;
        let changes = deal_stage_change::Entity::find().filter(deal_stage_change::Column::DealId.eq(id));
        let rows = paging::page(self.kite, changes, &order, &request, Total::Exact).await?;
        Ok(rows.map(|c| StageChangeDto {
            id: c.id,
            from_stage_id: c.from_stage_id,
            to_stage_id: c.to_stage_id,
            moved_by: c.moved_by.map(UserId),
            moved_at: c.moved_at,
        }))
    }
}
