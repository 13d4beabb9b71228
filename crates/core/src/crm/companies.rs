//! Companies: the organizations contacts work for and deals are made with.

use super::access::{clean, require_edit, resolve_owner};
use super::listing::{page, sort_column};
use crate::audit::{self, Actor, Event};
use crate::paging::PageRequest;
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::company;
use kite_shared::crm::companies::{CompanyDto, CompanyInput, CompanyListQuery, normalize_domain};
use kite_shared::crm::list::Sort;
use kite_shared::page::Page;
use kite_shared::{Permission, UserId};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel, QueryFilter, Set,
};
use serde_json::json;
use uuid::Uuid;

pub const KIND: &str = "companies";

pub fn company_dto(row: &company::Model) -> CompanyDto {
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
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn snapshot(row: &company::Model) -> serde_json::Value {
    serde_json::to_value(company_dto(row)).unwrap_or_default()
}

pub(crate) async fn find_live(conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<company::Model, CoreError> {
    company::Entity::find_by_id(id)
        .filter(company::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(company::Column::DeletedAt.is_null())
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("company"))
}

pub struct CompanyService<'a> {
    kite: &'a Kite,
}

impl<'a> CompanyService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn list(&self, ctx: &Ctx, query: &CompanyListQuery) -> Result<Page<CompanyDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let sort = Sort::parse(query.sort.as_deref(), "name");
        let column = sort_column(
            &sort,
            &[
                ("name", company::Column::Name),
                ("domain", company::Column::Domain),
                ("industry", company::Column::Industry),
                ("created_at", company::Column::CreatedAt),
                ("updated_at", company::Column::UpdatedAt),
            ],
        )?;
        let org = ctx.organization_id.into_uuid();
        let mut select = company::Entity::find()
            .filter(company::Column::OrganizationId.eq(org))
            .filter(company::Column::DeletedAt.is_null());
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
        let key = format!(
            "q={:?}&owner={:?}&industry={:?}",
            query.q, query.owner_id, query.industry
        );
        let rows = page(
            self.kite,
            &self.kite.db,
            org,
            KIND,
            key,
            select,
            (column, sort.descending),
            company::Column::Id,
            PageRequest::new(query.page, query.per_page),
        )
        .await?;
        Ok(Page {
            items: rows.items.iter().map(company_dto).collect(),
            total: rows.total,
            page: rows.page,
            per_page: rows.per_page,
        })
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<CompanyDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        Ok(company_dto(&find_live(&self.kite.db, ctx, id).await?))
    }

    pub async fn create(&self, ctx: &Ctx, input: &CompanyInput) -> Result<CompanyDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        CoreError::validation(input.validate())?;
        let txn = self.kite.begin().await?;
        let owner = resolve_owner(&*txn, ctx, input.owner_id, None).await?;
        let now = Utc::now();
        let row = company::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            name: Set(input.name.trim().to_owned()),
            domain: Set(input.domain.as_deref().and_then(normalize_domain)),
            industry: Set(clean(&input.industry)),
            size: Set(clean(&input.size)),
            phone: Set(clean(&input.phone)),
            address: Set(clean(&input.address)),
            website: Set(clean(&input.website)),
            owner_id: Set(owner),
            notes: Set(clean(&input.notes)),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("company.created", "company", row.id).after(snapshot(&row)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(row.organization_id, KIND);
        Ok(company_dto(&row))
    }

    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &CompanyInput) -> Result<CompanyDto, CoreError> {
        CoreError::validation(input.validate())?;
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        let owner = resolve_owner(&*txn, ctx, input.owner_id, before.owner_id).await?;
        let mut row = before.clone().into_active_model();
        row.name = Set(input.name.trim().to_owned());
        row.domain = Set(input.domain.as_deref().and_then(normalize_domain));
        row.industry = Set(clean(&input.industry));
        row.size = Set(clean(&input.size));
        row.phone = Set(clean(&input.phone));
        row.address = Set(clean(&input.address));
        row.website = Set(clean(&input.website));
        row.owner_id = Set(owner);
        row.notes = Set(clean(&input.notes));
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("company.updated", "company", id)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(after.organization_id, KIND);
        Ok(company_dto(&after))
    }

    /// Moves the company to the trash; admins can restore it.
    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        ctx.require(Permission::DeleteRecords)?;
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        let mut row = before.clone().into_active_model();
        row.deleted_at = Set(Some(Utc::now()));
        row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("company.deleted", "company", id).before(snapshot(&before)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(before.organization_id, KIND);
        Ok(())
    }

    pub async fn restore(&self, ctx: &Ctx, id: Uuid) -> Result<CompanyDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let txn = self.kite.begin().await?;
        let trashed = company::Entity::find_by_id(id)
            .filter(company::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(company::Column::DeletedAt.is_not_null())
            .one(&*txn)
            .await?
            .ok_or(CoreError::NotFound("company in the trash"))?;
        let mut row = trashed.into_active_model();
        row.deleted_at = Set(None);
        let restored = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("company.restored", "company", id).after(json!({"name": restored.name})),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(restored.organization_id, KIND);
        Ok(company_dto(&restored))
    }
}
