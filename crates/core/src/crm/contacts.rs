//! Contacts: the people a team sells to. An email belongs to one live contact per
//! organization.

use super::access::{check_company, require_edit, resolve_owner};
use super::custom_fields::{filters as custom_filters, values as custom_values};
use super::listing::{self, RecordList};
use super::records;
use super::tags;
use super::write::{Edit, Origin};
use crate::audit::{self, Actor, Event};
use crate::paging::PageRequest;
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{company, contact};
use kite_shared::crm::contacts::{ContactDto, ContactInput, ContactListQuery, LifecycleStage};
use kite_shared::crm::custom_fields::CustomFieldEntity;
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::notes::RecordKind;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{Permission, UserId};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait, QueryFilter,
    Select, SqlErr,
};
use serde_json::json;
use uuid::Uuid;
use write::ContactFields;

pub(crate) mod write;

pub const KIND: &str = "contacts";
const FIELDS: CustomFieldEntity = CustomFieldEntity::Contact;

fn json_list(raw: &str) -> Vec<String> {
    serde_json::from_str(raw).unwrap_or_default()
}

pub fn contact_dto(row: &contact::Model, company_name: Option<String>) -> ContactDto {
    ContactDto {
        id: row.id,
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        email: row.email.clone(),
        other_emails: json_list(&row.other_emails),
        phone: row.phone.clone(),
        other_phones: json_list(&row.other_phones),
        title: row.title.clone(),
        company_id: row.company_id,
        company_name,
        owner_id: row.owner_id.map(UserId),
        lifecycle_stage: row.lifecycle_stage.parse().unwrap_or(LifecycleStage::Other),
        source: row.source.clone(),
        tags: Vec::new(),
        score: super::record_score(row.score_detail.as_deref()),
        custom_fields: CustomValues::new(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn snapshot(row: &contact::Model, tags: &[String], custom: &CustomValues) -> serde_json::Value {
    let dto = ContactDto {
        tags: tags.to_vec(),
        custom_fields: custom.clone(),
        // Derived by the scorer, not edited: kept out of the audit trail.
        score: None,
        ..contact_dto(row, None)
    };
    serde_json::to_value(dto).unwrap_or_default()
}

pub(crate) async fn find_live(conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<contact::Model, CoreError> {
    records::find_live::<contact::Entity>(conn, ctx, id).await
}

/// The live contact that already has `email`, other than `except`.
async fn email_holder(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    email: &str,
    except: Option<Uuid>,
) -> Result<Option<contact::Model>, CoreError> {
    let mut select = contact::Entity::find()
        .filter(contact::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .filter(contact::Column::DeletedAt.is_null())
        .filter(contact::Column::Email.eq(email));
    if let Some(id) = except {
        select = select.filter(contact::Column::Id.ne(id));
    }
    Ok(select.one(conn).await?)
}

fn duplicate_email(existing: &contact::Model) -> CoreError {
    let name = format!("{} {}", existing.first_name, existing.last_name)
        .trim()
        .to_owned();
    CoreError::Conflict {
        code: "duplicate_email",
        message: format!("{name} already has this email."),
        field: Some("email"),
        details: Some(json!({"existing_contact": {"id": existing.id, "name": name}})),
    }
}

/// A race past the pre-check ends at the unique index; answer it the same way.
fn unique_violation(err: DbErr) -> Option<CoreError> {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))).then(|| CoreError::Conflict {
        code: "duplicate_email",
        message: "Another contact already has this email.".into(),
        field: Some("email"),
        details: None,
    })
}

impl RecordList for contact::Entity {
    type Query = ContactListQuery;
    type Dto = ContactDto;
    const DEFAULT_SORT: &'static str = "last_name";
    const SORTS: &'static [(&'static str, contact::Column)] = &[
        ("first_name", contact::Column::FirstName),
        ("last_name", contact::Column::LastName),
        ("email", contact::Column::Email),
        ("lifecycle_stage", contact::Column::LifecycleStage),
        ("score", contact::Column::Score),
        ("created_at", contact::Column::CreatedAt),
        ("updated_at", contact::Column::UpdatedAt),
    ];

    fn sort(query: &ContactListQuery) -> Option<&str> {
        query.sort.as_deref()
    }

    async fn filter(
        kite: &Kite,
        ctx: &Ctx,
        query: &ContactListQuery,
        mut select: Select<contact::Entity>,
    ) -> Result<(Select<contact::Entity>, String), CoreError> {
        if let Some(q) = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let pattern = format!("%{}%", q.to_lowercase());
            select = select.filter(
                Condition::any()
                    .add(Expr::expr(Func::lower(Expr::col(contact::Column::FirstName))).like(pattern.clone()))
                    .add(Expr::expr(Func::lower(Expr::col(contact::Column::LastName))).like(pattern.clone()))
                    .add(contact::Column::Email.like(pattern.clone()))
                    .add(contact::Column::Phone.like(pattern)),
            );
        }
        if let Some(owner) = query.owner_id {
            select = select.filter(contact::Column::OwnerId.eq(owner.into_uuid()));
        }
        if let Some(company) = query.company_id {
            select = select.filter(contact::Column::CompanyId.eq(company));
        }
        if let Some(stage) = query.lifecycle_stage {
            select = select.filter(contact::Column::LifecycleStage.eq(stage.as_str()));
        }
        if let Some(tag) = query.tag.as_deref().filter(|t| !t.trim().is_empty()) {
            let org = ctx.organization_id.into_uuid();
            select = select.filter(tags::filter(&kite.db, org, contact::Column::Id, tag).await?);
        }
        if let Some(from) = query.created_from {
            select = select.filter(contact::Column::CreatedAt.gte(from));
        }
        if let Some(to) = query.created_to {
            select = select.filter(contact::Column::CreatedAt.lt(to));
        }
        let org = ctx.organization_id.into_uuid();
        for condition in
            custom_filters::conditions(&kite.db, org, FIELDS, contact::Column::Id, &query.custom_fields).await?
        {
            select = select.filter(condition);
        }
        let select = listing::score_range(select, contact::Column::Score, query.min_score, query.max_score)?;
        let key = format!(
            "q={:?}&owner={:?}&company={:?}&stage={:?}&tag={:?}&from={:?}&to={:?}&score={:?}&cf={:?}",
            query.q,
            query.owner_id,
            query.company_id,
            query.lifecycle_stage,
            query.tag,
            query.created_from,
            query.created_to,
            (query.min_score, query.max_score),
            query.custom_fields
        );
        Ok((select, key))
    }

    async fn dtos(conn: &DatabaseConnection, rows: Vec<contact::Model>) -> Result<Vec<ContactDto>, CoreError> {
        let names = records::names::<company::Entity>(conn, rows.iter().filter_map(|c| c.company_id)).await?;
        let ids: Vec<Uuid> = rows.iter().map(|c| c.id).collect();
        let mut tag_names = tags::names_of(conn, &ids).await?;
        let mut custom = match rows.first() {
            Some(row) => custom_values::of_records(conn, row.organization_id, FIELDS, &ids).await?,
            None => Default::default(),
        };
        Ok(rows
            .iter()
            .map(|c| ContactDto {
                tags: tag_names.remove(&c.id).unwrap_or_default(),
                custom_fields: custom.remove(&c.id).unwrap_or_default(),
                ..contact_dto(c, c.company_id.and_then(|id| names.get(&id).cloned()))
            })
            .collect())
    }
}

pub struct ContactService<'a> {
    kite: &'a Kite,
}

impl<'a> ContactService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn list(
        &self,
        ctx: &Ctx,
        query: &ContactListQuery,
        page: &PageQuery,
    ) -> Result<Page<ContactDto>, CoreError> {
        listing::list::<contact::Entity>(self.kite, ctx, query, &PageRequest::parse(page)?).await
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<ContactDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let row = find_live(&self.kite.db, ctx, id).await?;
        let names = records::names::<company::Entity>(&self.kite.db, row.company_id).await?;
        Ok(ContactDto {
            tags: tags::names_of_one(&self.kite.db, id).await?,
            custom_fields: custom_values::of_record(&self.kite.db, row.organization_id, FIELDS, id).await?,
            ..contact_dto(&row, row.company_id.and_then(|id| names.get(&id).cloned()))
        })
    }

    pub async fn create(&self, ctx: &Ctx, input: &ContactInput) -> Result<ContactDto, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        let mut fields = ContactFields::parse(input).map_err(CoreError::Validation)?;
        let txn = self.kite.begin().await?;
        let custom = custom_values::check(&*txn, ctx, FIELDS, &input.custom_fields, true).await?;
        if let Some(email) = fields.stored_email()
            && let Some(existing) = email_holder(&*txn, ctx, &email, None).await?
        {
            return Err(duplicate_email(&existing));
        }
        let company = check_company(&*txn, ctx, "company_id", input.company_id).await?;
        fields.company_id = company.as_ref().map(|c| c.id);
        fields.owner_id = resolve_owner(&*txn, ctx, input.owner_id, None).await?;
        let row = write::build_new(Uuid::now_v7(), fields, &Origin::of(ctx))
            .insert(&*txn)
            .await
            .map_err(|e| unique_violation(e.clone()).unwrap_or(CoreError::Database(e)))?;
        let tag_names = match &input.tags {
            Some(names) => tags::replace(&*txn, row.organization_id, RecordKind::Contact, row.id, names).await?,
            None => Vec::new(),
        };
        let custom_fields = custom_values::store_new(&*txn, row.organization_id, row.id, &custom).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("contact.created", "contact", row.id).after(snapshot(&row, &tag_names, &custom_fields)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(row.organization_id, KIND);
        Ok(ContactDto {
            tags: tag_names,
            custom_fields,
            ..contact_dto(&row, company.map(|c| c.name))
        })
    }

    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &ContactInput) -> Result<ContactDto, CoreError> {
        let mut fields = ContactFields::parse(input).map_err(CoreError::Validation)?;
        let txn = self.kite.begin().await?;
        let before = find_live(&*txn, ctx, id).await?;
        require_edit(ctx, before.owner_id)?;
        let custom = custom_values::check(&*txn, ctx, FIELDS, &input.custom_fields, false).await?;
        if let Some(email) = fields.stored_email()
            && let Some(existing) = email_holder(&*txn, ctx, &email, Some(id)).await?
        {
            return Err(duplicate_email(&existing));
        }
        let company = check_company(&*txn, ctx, "company_id", input.company_id).await?;
        fields.company_id = company.as_ref().map(|c| c.id);
        fields.owner_id = resolve_owner(&*txn, ctx, input.owner_id, before.owner_id).await?;
        let (custom_before, custom_after) =
            custom_values::store_update(&*txn, before.organization_id, FIELDS, id, &custom).await?;
        let mut row = write::apply_update(&before, fields, Edit::Save, Utc::now());
        if custom_after != custom_before {
            row.updated_at = sea_orm::Set(Utc::now());
        }
        let after = row
            .update(&*txn)
            .await
            .map_err(|e| unique_violation(e.clone()).unwrap_or(CoreError::Database(e)))?;
        let tags_before = tags::names_of_one(&*txn, id).await?;
        let tags_after = match &input.tags {
            Some(names) => tags::replace(&*txn, after.organization_id, RecordKind::Contact, id, names).await?,
            None => tags_before.clone(),
        };
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("contact.updated", "contact", id)
                .before(snapshot(&before, &tags_before, &custom_before))
                .after(snapshot(&after, &tags_after, &custom_after)),
        )
        .await?;
        txn.commit().await?;
        self.kite.counts.invalidate(after.organization_id, KIND);
        Ok(ContactDto {
            tags: tags_after,
            custom_fields: custom_after,
            ..contact_dto(&after, company.map(|c| c.name))
        })
    }

    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        records::soft_delete::<contact::Entity>(self.kite, ctx, id, |row| snapshot(row, &[], &CustomValues::new()))
            .await
    }

    /// Brings a contact back from the trash, unless its email was taken meanwhile.
    pub async fn restore(&self, ctx: &Ctx, id: Uuid) -> Result<ContactDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let trashed = contact::Entity::find_by_id(id)
            .filter(contact::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&self.kite.db)
            .await?;
        if let Some(email) = trashed.and_then(|c| c.email)
            && let Some(existing) = email_holder(&self.kite.db, ctx, &email, Some(id)).await?
        {
            return Err(duplicate_email(&existing));
        }
        records::restore::<contact::Entity>(self.kite, ctx, id)
            .await
            .map_err(|e| match e {
                CoreError::Database(db) => unique_violation(db.clone()).unwrap_or(CoreError::Database(db)),
                other => other,
            })?;
        self.get(ctx, id).await
    }
}
