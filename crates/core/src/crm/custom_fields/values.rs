//! What records hold in their custom fields: checked against the fields' definitions,
//! written as typed rows (`custom_field_values`) in the record's own transaction, and
//! read back as the `custom_fields` object of the record's DTO.

use super::dto;
use crate::{CoreError, Ctx};
use kite_entity::{custom_field, custom_field_value, user};
use kite_shared::FieldError;
use kite_shared::crm::custom_fields::{CustomFieldDto, CustomFieldEntity, CustomFieldType};
use kite_shared::crm::custom_values::{CustomValue, CustomValues, error_field, parse_value};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The fields of one kind of record, archived ones left out unless asked for.
pub(crate) async fn fields(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    entity: CustomFieldEntity,
    include_archived: bool,
) -> Result<Vec<CustomFieldDto>, CoreError> {
    let mut select = custom_field::Entity::find()
        .filter(custom_field::Column::OrganizationId.eq(organization))
        .filter(custom_field::Column::Entity.eq(entity.as_str()));
    if !include_archived {
        select = select.filter(custom_field::Column::ArchivedAt.is_null());
    }
    let rows = select
        .order_by_asc(custom_field::Column::Position)
        .order_by_asc(custom_field::Column::Id)
        .all(conn)
        .await?;
    Ok(rows.iter().map(dto).collect())
}

/// A checked change to one record's values: each field given, with its new value (`None`
/// clears it).
#[derive(Debug, Default)]
pub(crate) struct ValueChange {
    changes: Vec<(CustomFieldDto, Option<CustomValue>)>,
}

impl ValueChange {
    /// `given` checked by the shared rules alone, against `fields` (the caller has
    /// resolved users); the first error.
    pub fn checked(fields: &[CustomFieldDto], given: &CustomValues) -> Result<ValueChange, FieldError> {
        let mut changes = Vec::new();
        for field in fields {
            if let Some(value) = given.get(&field.key) {
                changes.push((field.clone(), parse_value(field, value)?));
            }
        }
        Ok(ValueChange { changes })
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether this change gives `key` a value.
    pub fn sets(&self, key: &str) -> bool {
        self.changes.iter().any(|(f, v)| f.key == key && v.is_some())
    }

    /// `before` with this change applied, as the DTO shows it.
    pub fn applied_to(&self, before: &CustomValues) -> CustomValues {
        let mut after = before.clone();
        for (field, value) in &self.changes {
            match value {
                Some(value) => after.insert(field.key.clone(), value.to_json(field.field_type)),
                None => after.remove(&field.key),
            };
        }
        after
    }
}

/// `given` checked against the live fields of `entity`: unknown or archived keys, values
/// of the wrong type, options the field lacks, users who are not in the organization,
/// and required fields left empty (all of them on a new record, those given as empty on
/// an edit) are refused together, each naming `custom_fields.<key>`.
pub(crate) async fn check(
    conn: &impl ConnectionTrait,
    ctx: &Ctx,
    entity: CustomFieldEntity,
    given: &CustomValues,
    creating: bool,
) -> Result<ValueChange, CoreError> {
    let organization = ctx.organization_id.into_uuid();
    let live = fields(conn, organization, entity, false).await?;
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    for (key, value) in given {
        let Some(field) = live.iter().find(|f| &f.key == key) else {
            errors.push(FieldError::new(
                &error_field(key),
                "unknown_field",
                format!("{} have no custom field \"{key}\".", entity.label()),
            ));
            continue;
        };
        match parse_value(field, value) {
            Ok(value) => changes.push((field.clone(), value)),
            Err(error) => errors.push(error),
        }
    }
    for field in live.iter().filter(|f| f.required) {
        let given_empty = changes.iter().any(|(f, v)| f.id == field.id && v.is_none());
        // A value given but refused already has its error.
        let missing = creating && !given.contains_key(&field.key);
        if given_empty || missing {
            errors.push(FieldError::new(
                &error_field(&field.key),
                "required",
                format!("{} is required.", field.label),
            ));
        }
    }
    errors.extend(unknown_users(conn, organization, &changes).await?);
    CoreError::validation(errors)?;
    Ok(ValueChange { changes })
}

/// The user fields given someone who is not an active user of the organization.
async fn unknown_users(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    changes: &[(CustomFieldDto, Option<CustomValue>)],
) -> Result<Vec<FieldError>, CoreError> {
    let wanted: Vec<(&str, Uuid)> = changes
        .iter()
        .filter_map(|(field, value)| match value {
            Some(CustomValue::User(id)) => Some((field.key.as_str(), *id)),
            _ => None,
        })
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let found: HashSet<Uuid> = user::Entity::find()
        .filter(user::Column::OrganizationId.eq(organization))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Id.is_in(wanted.iter().map(|(_, id)| *id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    Ok(wanted
        .into_iter()
        .filter(|(_, id)| !found.contains(id))
        .map(|(key, _)| FieldError::new(&error_field(key), "unknown_user", "No active user of Kite has this id."))
        .collect())
}

/// A value row without its value, which the caller sets.
pub(crate) fn row(organization: Uuid, field_id: Uuid, record_id: Uuid) -> custom_field_value::ActiveModel {
    custom_field_value::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(organization),
        field_id: Set(field_id),
        record_id: Set(record_id),
        value_text: Set(None),
        value_number: Set(None),
        value_long: Set(None),
    }
}

/// The rows that store `value` of `field`.
fn rows_of(
    organization: Uuid,
    record_id: Uuid,
    field: &CustomFieldDto,
    value: &CustomValue,
) -> Vec<custom_field_value::ActiveModel> {
    let new = || row(organization, field.id, record_id);
    let with_text = |text: String| custom_field_value::ActiveModel {
        value_text: Set(Some(text)),
        ..new()
    };
    let with_number = |n: f64| custom_field_value::ActiveModel {
        value_number: Set(Some(n)),
        ..new()
    };
    match value {
        CustomValue::Text(text) if field.field_type == CustomFieldType::LongText => {
            vec![custom_field_value::ActiveModel {
                value_long: Set(Some(text.clone())),
                ..new()
            }]
        }
        CustomValue::Text(text) => vec![with_text(text.clone())],
        CustomValue::Date(date) => vec![with_text(date.to_string())],
        CustomValue::User(id) => vec![with_text(id.to_string())],
        CustomValue::Options(options) => options.iter().cloned().map(with_text).collect(),
        CustomValue::Number(n) => vec![with_number(*n)],
        CustomValue::Bool(b) => vec![with_number(if *b { 1.0 } else { 0.0 })],
    }
}

/// Stores `change` on one record, replacing the values of the fields it names.
async fn write(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    record_id: Uuid,
    change: &ValueChange,
) -> Result<(), CoreError> {
    if change.is_empty() {
        return Ok(());
    }
    custom_field_value::Entity::delete_many()
        .filter(custom_field_value::Column::RecordId.eq(record_id))
        .filter(custom_field_value::Column::FieldId.is_in(change.changes.iter().map(|(f, _)| f.id)))
        .exec(conn)
        .await?;
    let rows: Vec<_> = change
        .changes
        .iter()
        .filter_map(|(field, value)| Some(rows_of(organization, record_id, field, value.as_ref()?)))
        .flatten()
        .collect();
    if !rows.is_empty() {
        custom_field_value::Entity::insert_many(rows)
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The values a new record starts with: `change` stored.
pub(crate) async fn store_new(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    record_id: Uuid,
    change: &ValueChange,
) -> Result<CustomValues, CoreError> {
    write(conn, organization, record_id, change).await?;
    Ok(change.applied_to(&CustomValues::new()))
}

/// A record's values before and after `change`, stored when it changes any.
pub(crate) async fn store_update(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    entity: CustomFieldEntity,
    record_id: Uuid,
    change: &ValueChange,
) -> Result<(CustomValues, CustomValues), CoreError> {
    let before = of_record(conn, organization, entity, record_id).await?;
    let after = change.applied_to(&before);
    if after != before {
        write(conn, organization, record_id, change).await?;
    }
    Ok((before, after))
}

/// Stores an import batch's values: those of new records in a few inserts, those of
/// changed records each replacing the fields it names.
pub(crate) async fn store_imported(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    created: &[(Uuid, ValueChange)],
    updated: &[(Uuid, ValueChange)],
) -> Result<(), CoreError> {
    for (record_id, change) in updated {
        write(conn, organization, *record_id, change).await?;
    }
    let rows: Vec<_> = created
        .iter()
        .flat_map(|(record_id, change)| {
            change
                .changes
                .iter()
                .filter_map(|(field, value)| Some(rows_of(organization, *record_id, field, value.as_ref()?)))
                .flatten()
                .collect::<Vec<_>>()
        })
        .collect();
    // Seven columns a row: well under SQLite's limit of bound values per statement.
    for chunk in rows.chunks(1000) {
        custom_field_value::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// Puts a record's values back to `saved` (an import's undo), in its live fields.
pub(crate) async fn restore(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    entity: CustomFieldEntity,
    record_id: Uuid,
    saved: &CustomValues,
) -> Result<(), CoreError> {
    let changes = fields(conn, organization, entity, false)
        .await?
        .into_iter()
        .map(|field| {
            let value = saved
                .get(&field.key)
                .and_then(|v| parse_value(&field, v).ok().flatten());
            (field, value)
        })
        .collect();
    write(conn, organization, record_id, &ValueChange { changes }).await
}

/// Moves every value of `from` onto `to` where `to` has none of that field (a merge).
pub(crate) async fn fill_from(conn: &impl ConnectionTrait, from: Uuid, to: Uuid) -> Result<(), CoreError> {
    let have: HashSet<Uuid> = custom_field_value::Entity::find()
        .filter(custom_field_value::Column::RecordId.eq(to))
        .all(conn)
        .await?
        .into_iter()
        .map(|v| v.field_id)
        .collect();
    custom_field_value::Entity::update_many()
        .col_expr(
            custom_field_value::Column::RecordId,
            sea_orm::sea_query::Expr::value(to),
        )
        .filter(custom_field_value::Column::RecordId.eq(from))
        .filter(custom_field_value::Column::FieldId.is_not_in(have))
        .exec(conn)
        .await?;
    Ok(())
}

/// The value `rows` of `field` hold.
fn value_of(field: &CustomFieldDto, rows: &[&custom_field_value::Model]) -> Option<serde_json::Value> {
    let first = rows.first()?;
    let text = || first.value_text.clone().map(serde_json::Value::from);
    match field.field_type {
        CustomFieldType::LongText => first.value_long.clone().map(serde_json::Value::from),
        CustomFieldType::Number | CustomFieldType::Currency => first
            .value_number
            .and_then(serde_json::Number::from_f64)
            .map(serde_json::Value::Number),
        CustomFieldType::Boolean => first.value_number.map(|n| serde_json::Value::from(n != 0.0)),
        CustomFieldType::MultiSelect => {
            let chosen: HashSet<&str> = rows.iter().filter_map(|r| r.value_text.as_deref()).collect();
            let ordered: Vec<&str> = field
                .options
                .iter()
                .map(String::as_str)
                .filter(|o| chosen.contains(o))
                .collect();
            Some(serde_json::Value::from(ordered))
        }
        _ => text(),
    }
}

/// The values of each record in `record_ids`, in their live fields.
pub(crate) async fn of_records(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    entity: CustomFieldEntity,
    record_ids: &[Uuid],
) -> Result<HashMap<Uuid, CustomValues>, CoreError> {
    if record_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let live = fields(conn, organization, entity, false).await?;
    if live.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = custom_field_value::Entity::find()
        .filter(custom_field_value::Column::RecordId.is_in(record_ids.iter().copied()))
        .filter(custom_field_value::Column::FieldId.is_in(live.iter().map(|f| f.id)))
        .all(conn)
        .await?;
    let mut grouped: HashMap<(Uuid, Uuid), Vec<&custom_field_value::Model>> = HashMap::new();
    for row in &rows {
        grouped.entry((row.record_id, row.field_id)).or_default().push(row);
    }
    let mut by_record: HashMap<Uuid, CustomValues> = HashMap::new();
    for ((record_id, field_id), rows) in grouped {
        if let Some(field) = live.iter().find(|f| f.id == field_id)
            && let Some(value) = value_of(field, &rows)
        {
            by_record.entry(record_id).or_default().insert(field.key.clone(), value);
        }
    }
    Ok(by_record)
}

/// The values of one record.
pub(crate) async fn of_record(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    entity: CustomFieldEntity,
    record_id: Uuid,
) -> Result<CustomValues, CoreError> {
    Ok(of_records(conn, organization, entity, &[record_id])
        .await?
        .remove(&record_id)
        .unwrap_or_default())
}

/// How many records hold `option` in `field` (an option in use may not be removed).
pub(crate) async fn option_uses(conn: &impl ConnectionTrait, field_id: Uuid, option: &str) -> Result<u64, CoreError> {
    use sea_orm::PaginatorTrait;
    Ok(custom_field_value::Entity::find()
        .filter(custom_field_value::Column::FieldId.eq(field_id))
        .filter(custom_field_value::Column::ValueText.eq(option))
        .count(conn)
        .await?)
}

/// A value as a spreadsheet cell, in the form the importer reads back: options joined
/// by `; `, yes/no, whole numbers without decimals.
pub(crate) fn cell_text(value: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            _ => n.to_string(),
        },
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; "),
        Some(other) => other.to_string(),
    }
}

/// A snapshot (audit, webhooks) with the record's custom values in it.
pub(crate) fn annotate(mut snapshot: serde_json::Value, values: &CustomValues) -> serde_json::Value {
    if let Some(object) = snapshot.as_object_mut() {
        object.insert("custom_fields".into(), serde_json::json!(values));
    }
    snapshot
}
