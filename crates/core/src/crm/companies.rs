//! Companies: the organizations contacts work for and deals are made with.

use super::access::{require_edit, resolve_owner};
use super::custom_fields::{filters as custom_filters, values as custom_values};
use super::listing::{self, RecordList};
use super::records;
use super::tags;
use super::write::{Edit, Origin};
use crate::audit::{self, Actor, Event};
use crate::paging::PageRequest;
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::company;
use kite_shared::crm::companies::{CompanyDto, CompanyInput, CompanyListQuery};
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::notes::RecordKind;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{Permission, UserId};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, ExprTrait, QueryFilter, Select};
use uuid::Uuid;
use write::CompanyFields;

pub(crate) mod write;

pub const KIND: &str = "companies";
const FIELDS: CustomFieldEntity = CustomFieldEntity::Company;

pub fn company_dto(row: &company::Model, tags: Vec<String>, custom_fields: CustomValues) -> CompanyDto {
    CompanyDto {
        id: row.id,
        name: row.name.clone(),
        domain: row.domain.clone(),
        industry: row.industry.clone(),
        size: row.size.clone(),
        phone: row.phone.clone(),
        address: row.address.clone(),
        website: row.website.clone(),
        owner_id: row.owner_id.map(UserId),
        notes: row.notes.clone(),
        tags,
        custom_fields,
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn snapshot(row: &company::Model, tags: &[String], custom: &CustomValues) -> serde_json::Value {
    serde_json::to_value(company_dto(row, tags.to_vec(), custom.clone())).unwrap_or_default()
}

pub(crate) async fn find_live(conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<company::Model, CoreError> {
    records::find_live::<company::Entity>(conn, ctx, id).await
}

impl RecordList for company::Entity {
    type Query = CompanyListQuery;
    type Dto = CompanyDto;
    const DEFAULT_SORT: &'static str = "name";
    const SORTS: &'static [(&'static str, company::Column)] = &[
        ("name", company::Column::Name),
        ("domain", company::Column::Domain),
        ("industry", company::Column::Industry),
        ("created_at", company::Column::CreatedAt),
        ("updated_at", company::Column::UpdatedAt),
    ];

    fn sort(query: &CompanyListQuery) -> Option<&str> {
        query.sort.as_deref()
    }

    async fn filter(
        kite: &Kite,
        ctx: &Ctx,
        query: &CompanyListQuery,
        mut select: Select<company::Entity>,
    ) -> Result<(Select<company::Entity>, String), CoreError> {
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.to_lowercase());
            select = select.filter(
                Condition::any()
                    .add(Expr::expr(Func::lower(Expr::col(company::Column::Name))).like(pattern.clone()))
                    .add(company::Column::Domain.like(pattern)),
            );
        }
        if let Some(owner) = query.owner_id {
            select = select.filter(company::Column::OwnerId.eq(owner.into_uuid()));
        }
        if let Some(industry) = query.industry.as_deref().filter(|i| !i.is_empty()) {
            select = select.filter(company::Column::Industry.eq(industry));
        }
        if let Some(tag) = query.tag.as_deref().filter(|t| !t.trim().is_empty()) {
            let org = ctx.organization_id.into_uuid();
            select = select.filter(tags::filter(&kite.db, org, company::Column::Id, tag).await?);
        }
        let org = ctx.organization_id.into_uuid();
        for condition in
            custom_filters::conditions(&kite.db, org, FIELDS, company::Column::Id, &query.custom_fields).await?
        {
            select = select.filter(condition);
        }
        let key = format!(
            "q={:?}&owner={:?}&industry={:?}&tag={:?}&cf={:?}",
            query.q, query.owner_id, query.industry, query.tag, query.custom_fields
        );
        Ok((select, key))
    }

    async fn dtos(conn: &DatabaseConnection, rows: Vec<company::Model>) -> Result<Vec<CompanyDto>, CoreError> {
        let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
        let mut tag_names = tags::names_of(conn, &ids).await?;
        let mut custom = match rows.first() {
            Some(row) => custom_values::of_records(conn, row.organization_id, FIELDS, &ids).await?,
            None => Default::default(),
        };
        Ok(rows
            .iter()
            .map(|c| {
                company_dto(
                    c,
                    tag_names.remove(&c.id).unwrap_or_default(),
                    custom.remove(&c.id).unwrap_or_default(),
                )
            })
            .collect())
    }
}

pub struct CompanyService<'a> {
    kite: &'a Kite,
}

impl<'a> CompanyService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn list(
        &self,
        ctx: &Ctx,
        query: &CompanyListQuery,
        page: &PageQuery,
    ) -> Result<Page<CompanyDto>, CoreError> {
        listing::list::<company::Entity>(self.kite, ctx, query, &PageRequest::parse(page)?).await
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<CompanyDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let row = find_live(&self.kite.db, ctx, id).await?;
        Ok(company_dto(
            &row,
            tags::names_of_one(&self.kite.db, id).await?,
            custom_values::of_record(&self.kite.db, row.organization_id, FIELDS, id).await?,
        ))
    }

    pub async fn create(&self, ctx: &Ctx, input: &CompanyInput) -> Result<CompanyDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        let mut fields = CompanyFields::parse(input).map_err(CoreError::Validation)?;
        let txn = self.kite.begin().await?;
        let custom = custom_values::check(&*txn, ctx, FIELDS, &input.custom_fields, true).await?;
        fields.owner_id = resolve_owner(&*txn, ctx, input.owner_id, None).await?;
        let row = write::build_new(Uuid::now_v7(), fields, &Origin::of(ctx))
            .insert(&*txn)
            .await?;
        let tag_names = match &input.tags {
            Some(names) => tags::replace(&*txn, row.organization_id, RecordKind::Company, row.id, names).await?,
            None => Vec::new(),
        };
        let custom_fields = custom_values::store_new(&*txn, row.organization_id, row.id, &custom).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("company.created", "company", row.id).after(snapshot(&row, &tag_names, &custom_fields)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(row.organization_id, KIND);
        Ok(company_dto(&row, tag_names, custom_fields))
    }

    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &CompanyInput) -> Result<CompanyDto, CoreError> {
        let mut fields = CompanyFields::parse(input).map_err(CoreError::Validation)?;
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        let custom = custom_values::check(&*txn, ctx, FIELDS, &input.custom_fields, false).await?;
        fields.owner_id = resolve_owner(&*txn, ctx, input.owner_id, before.owner_id).await?;
        let (custom_before, custom_after) =
            custom_values::store_update(&*txn, before.organization_id, FIELDS, id, &custom).await?;
        let mut row = write::apply_update(&before, fields, Edit::Save, Utc::now());
        if custom_after != custom_before {
            row.updated_at = sea_orm::Set(Utc::now());
        }
        let after = row.update(&*txn).await?;
        let tags_before = tags::names_of_one(&*txn, id).await?;
        let tags_after = match &input.tags {
            Some(names) => tags::replace(&*txn, after.organization_id, RecordKind::Company, id, names).await?,
            None => tags_before.clone(),
        };
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("company.updated", "company", id)
                .before(snapshot(&before, &tags_before, &custom_before))
                .after(snapshot(&after, &tags_after, &custom_after)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(after.organization_id, KIND);
        Ok(company_dto(&after, tags_after, custom_after))
    }

    /// Moves the company to the trash; admins can restore it.
    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        records::soft_delete::<company::Entity>(self.kite, ctx, id, |row| snapshot(row, &[], &CustomValues::new()))
            .await
    }

    pub async fn restore(&self, ctx: &Ctx, id: Uuid) -> Result<CompanyDto, CoreError> {
        records::restore::<company::Entity>(self.kite, ctx, id).await?;
        self.get(ctx, id).await
    }
}
