//! Custom field definitions (admins): a key, a label, a type, options, required or not,
//! and archiving that hides a field without losing what records hold.

use crate::audit::{self, Actor, Event};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::custom_field;
use kite_shared::Permission;
use kite_shared::crm::custom_fields::{
    CreateCustomField, CustomFieldDto, CustomFieldEntity, CustomFieldQuery, CustomFieldType, MAX_FIELDS_PER_ENTITY,
    UpdateCustomField, clean_options,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

pub mod filters;
pub(crate) mod sorting;
pub(crate) mod values;

/// The kind of record whose custom fields a record kind has.
pub(crate) fn entity_of(kind: kite_shared::crm::notes::RecordKind) -> CustomFieldEntity {
    use kite_shared::crm::notes::RecordKind;
    match kind {
        RecordKind::Contact => CustomFieldEntity::Contact,
        RecordKind::Company => CustomFieldEntity::Company,
        RecordKind::Deal => CustomFieldEntity::Deal,
    }
}

pub fn dto(row: &custom_field::Model) -> CustomFieldDto {
    CustomFieldDto {
        id: row.id,
        entity: CustomFieldEntity::parse(&row.entity).unwrap_or(CustomFieldEntity::Contact),
        key: row.key.clone(),
        label: row.label.clone(),
        field_type: CustomFieldType::parse(&row.field_type).unwrap_or(CustomFieldType::Text),
        required: row.required,
        options: serde_json::from_value(row.options.clone()).unwrap_or_default(),
        currency: row.currency.clone(),
        position: row.position,
        archived: row.archived_at.is_some(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    }
}

fn snapshot(row: &custom_field::Model) -> serde_json::Value {
    serde_json::to_value(dto(row)).unwrap_or_default()
}

/// An option records still hold stays: removing it would leave them holding a value the
/// field no longer offers.
async fn refuse_removing_used_options(
    conn: &impl ConnectionTrait,
    before: &custom_field::Model,
    input: &UpdateCustomField,
) -> Result<(), CoreError> {
    let kept = clean_options(&input.options);
    let options: Vec<String> = serde_json::from_value(before.options.clone()).unwrap_or_default();
    for option in &options {
        if kept.contains(option) {
            continue;
        }
        let uses = values::option_uses(conn, before.id, option).await?;
        if uses > 0 {
            let records = if uses == 1 { "record" } else { "records" };
            return Err(CoreError::Validation(vec![kite_shared::FieldError::new(
                "options",
                "option_in_use",
                format!("{uses} {records} hold \"{option}\": change them before removing it."),
            )]));
        }
    }
    Ok(())
}

pub struct CustomFieldService<'a> {
    kite: &'a Kite,
}

async fn find(conn: &impl ConnectionTrait, ctx: &Ctx, id: Uuid) -> Result<custom_field::Model, CoreError> {
    custom_field::Entity::find_by_id(id)
        .filter(custom_field::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
        .one(conn)
        .await?
        .ok_or(CoreError::NotFound("custom field"))
}

impl<'a> CustomFieldService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The fields in the order forms show them; everyone who reads records reads them.
    pub async fn list(&self, ctx: &Ctx, query: &CustomFieldQuery) -> Result<Vec<CustomFieldDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let mut select = custom_field::Entity::find()
            .filter(custom_field::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        if let Some(entity) = query.entity {
            select = select.filter(custom_field::Column::Entity.eq(entity.as_str()));
        }
        if !query.include_archived {
            select = select.filter(custom_field::Column::ArchivedAt.is_null());
        }
        let rows = select
            .order_by_asc(custom_field::Column::Entity)
            .order_by_asc(custom_field::Column::Position)
            .order_by_asc(custom_field::Column::Id)
            .all(&self.kite.db)
            .await?;
        Ok(rows.iter().map(dto).collect())
    }

    pub async fn create(&self, ctx: &Ctx, input: &CreateCustomField) -> Result<CustomFieldDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        CoreError::validation(input.validate())?;
        let key = input.key();
        let org = ctx.organization_id.into_uuid();
        let txn = self.kite.begin().await?;
        let same_entity = || {
            custom_field::Entity::find()
                .filter(custom_field::Column::OrganizationId.eq(org))
                .filter(custom_field::Column::Entity.eq(input.entity.as_str()))
        };
        if same_entity()
            .filter(custom_field::Column::Key.eq(key.as_str()))
            .one(&*txn)
            .await?
            .is_some()
        {
            return Err(CoreError::Conflict {
                code: "duplicate_key",
                message: format!(
                    "{} already have a field \"{key}\" (perhaps archived).",
                    input.entity.label()
                ),
                field: Some("key"),
                details: None,
            });
        }
        let count = same_entity().count(&*txn).await?;
        if count as usize >= MAX_FIELDS_PER_ENTITY {
            return Err(CoreError::field(
                "entity",
                "too_many_fields",
                "At most 100 custom fields per kind of record.",
            ));
        }
        let now = Utc::now();
        let row = custom_field::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(org),
            entity: Set(input.entity.as_str().to_owned()),
            key: Set(key),
            label: Set(input.label.trim().to_owned()),
            field_type: Set(input.field_type.as_str().to_owned()),
            required: Set(input.required),
            options: Set(serde_json::json!(clean_options(&input.options))),
            currency: Set(input.currency.clone()),
            position: Set(i32::try_from(count).unwrap_or(i32::MAX)),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&*txn)
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("custom_field.created", "custom_field", row.id).after(snapshot(&row)),
        )
        .await?;
        txn.commit().await?;
        Ok(dto(&row))
    }

    /// Relabels a field, changes its options or whether it is required; its key and type stay.
    pub async fn update(&self, ctx: &Ctx, id: Uuid, input: &UpdateCustomField) -> Result<CustomFieldDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let txn = self.kite.begin().await?;
        let before = find(&*txn, ctx, id).await?;
        let field_type = CustomFieldType::parse(&before.field_type).unwrap_or(CustomFieldType::Text);
        CoreError::validation(input.validate(field_type))?;
        refuse_removing_used_options(&*txn, &before, input).await?;
        let mut row = before.clone().into_active_model();
        row.label = Set(input.label.trim().to_owned());
        row.required = Set(input.required);
        row.options = Set(serde_json::json!(clean_options(&input.options)));
        row.currency = Set(input.currency.clone());
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("custom_field.updated", "custom_field", id)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        txn.commit().await?;
        Ok(dto(&after))
    }

    /// Hides a field from forms, lists and the API's input (`archived`), or shows it again.
    pub async fn set_archived(&self, ctx: &Ctx, id: Uuid, archived: bool) -> Result<CustomFieldDto, CoreError> {
        ctx.require(Permission::ManageOrganization)?;
        let txn = self.kite.begin().await?;
        let before = find(&*txn, ctx, id).await?;
        if before.archived_at.is_some() == archived {
            return Ok(dto(&before));
        }
        let mut row = before.clone().into_active_model();
        row.archived_at = Set(archived.then(Utc::now));
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        let action = if archived {
            "custom_field.archived"
        } else {
            "custom_field.restored"
        };
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new(action, "custom_field", id)
                .before(snapshot(&before))
                .after(snapshot(&after)),
        )
        .await?;
        txn.commit().await?;
        Ok(dto(&after))
    }
}
