//! The custom field columns of an import: offered on the mapping screen as `cf.<key>`,
//! read from each row's cell by the field's type (with the API's rules, so a value the
//! API would refuse fails its row), and required on new records as in the API.

use super::rows::RowFailure;
use crate::CoreError;
use crate::crm::custom_fields::values::{self, ValueChange};
use kite_shared::crm::custom_fields::{CustomFieldDto, CustomFieldEntity, CustomFieldType};
use kite_shared::crm::custom_values::{CustomValue, CustomValues, FILTER_PREFIX, error_field, parse_value};
use kite_shared::imports::{FieldOption, ImportEntity, header_key};
use sea_orm::ConnectionTrait;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

pub(super) fn entity_of(entity: ImportEntity) -> CustomFieldEntity {
    match entity {
        ImportEntity::Contacts => CustomFieldEntity::Contact,
        ImportEntity::Companies => CustomFieldEntity::Company,
        ImportEntity::Deals => CustomFieldEntity::Deal,
    }
}

/// The mapping key of a field, `cf.<key>`.
fn mapping_key(field: &CustomFieldDto) -> String {
    format!("{FILTER_PREFIX}{}", field.key)
}

/// The live custom fields of what `entity` imports.
pub(super) async fn live(
    conn: &impl ConnectionTrait,
    organization: Uuid,
    entity: ImportEntity,
) -> Result<Vec<CustomFieldDto>, CoreError> {
    values::fields(conn, organization, entity_of(entity), false).await
}

/// The mapping screen's choices for `fields`.
pub(super) fn options(fields: &[CustomFieldDto]) -> Vec<FieldOption> {
    fields
        .iter()
        .map(|f| FieldOption {
            key: mapping_key(f),
            label: f.label.clone(),
        })
        .collect()
}

/// The field a column named `header` means: one whose label or key it spells.
pub(super) fn suggest(fields: &[CustomFieldDto], header: &str) -> Option<String> {
    let wanted = header_key(header);
    fields
        .iter()
        .find(|f| !wanted.is_empty() && (header_key(&f.label) == wanted || header_key(&f.key) == wanted))
        .map(mapping_key)
}

/// Whether `key` names one of `fields` on the mapping screen.
pub(super) fn is_mapping_key(fields: &[CustomFieldDto], key: &str) -> bool {
    fields.iter().any(|f| mapping_key(f) == key)
}

/// A run's custom columns: each mapped field with the column it reads, and the required
/// fields a new record needs.
pub(crate) struct CustomColumns {
    pub entity: CustomFieldEntity,
    columns: Vec<(usize, CustomFieldDto)>,
    required: Vec<CustomFieldDto>,
}

/// A cell's text as the JSON the API would take for the field, for the API's rules to
/// check; what cannot be read stays text, which the rules then refuse.
fn cell_json(field: &CustomFieldDto, text: &str, users: &HashMap<String, Uuid>) -> Value {
    match field.field_type {
        CustomFieldType::Number | CustomFieldType::Currency => text
            .replace([',', ' '], "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::from(text), Value::Number),
        CustomFieldType::Boolean => match text.to_lowercase().as_str() {
            "yes" | "y" | "true" | "1" | "x" | "ja" | "oui" => Value::Bool(true),
            "no" | "n" | "false" | "0" | "nein" | "non" => Value::Bool(false),
            _ => Value::from(text),
        },
        CustomFieldType::MultiSelect => Value::from(
            text.split([';', ','])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>(),
        ),
        CustomFieldType::Date => ["%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d"]
            .iter()
            .find_map(|f| chrono::NaiveDate::parse_from_str(text.split(['T', ' ']).next().unwrap_or(text), f).ok())
            .map_or_else(|| Value::from(text), |d| Value::from(d.to_string())),
        CustomFieldType::User => users
            .get(&text.to_lowercase())
            .map_or_else(|| Value::from(text), |id| Value::from(id.to_string())),
        _ => Value::from(text),
    }
}

impl CustomColumns {
    /// The custom columns `mapping` (column → field) names among `headers`.
    pub(super) fn new(
        entity: ImportEntity,
        fields: Vec<CustomFieldDto>,
        headers: &[String],
        mapping: &BTreeMap<String, String>,
    ) -> Self {
        let columns = fields
            .iter()
            .filter_map(|field| {
                let key = mapping_key(field);
                let column = mapping.iter().find(|(_, f)| **f == key).map(|(c, _)| c)?;
                Some((headers.iter().position(|h| h == column)?, field.clone()))
            })
            .collect();
        let required = fields.into_iter().filter(|f| f.required).collect();
        Self {
            entity: entity_of(entity),
            columns,
            required,
        }
    }

    /// The row's values (empty cells leave a field as it is), or why the row fails.
    pub(super) fn read(&self, cells: &[String], users: &HashMap<String, Uuid>) -> Result<ValueChange, RowFailure> {
        let mut given = CustomValues::new();
        for (index, field) in &self.columns {
            let text = cells
                .get(*index)
                .map(|c| crate::exports::unescape_cell(c.trim()))
                .unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            let value = cell_json(field, text, users);
            match parse_value(field, &value) {
                Err(error) => return Err((error.field, error.message)),
                Ok(Some(CustomValue::User(id))) if !users.values().any(|u| *u == id) => {
                    return Err((
                        error_field(&field.key),
                        format!("\"{text}\" is not the email of an active user you may choose."),
                    ));
                }
                Ok(_) => {}
            }
            given.insert(field.key.clone(), value);
        }
        let fields: Vec<CustomFieldDto> = self.columns.iter().map(|(_, f)| f.clone()).collect();
        ValueChange::checked(&fields, &given).map_err(|e| (e.field, e.message))
    }

    /// The required field a new record's row leaves empty, if any.
    pub(super) fn missing_on_create(&self, change: &ValueChange) -> Option<RowFailure> {
        self.required
            .iter()
            .find(|f| !change.sets(&f.key))
            .map(|f| (error_field(&f.key), format!("{} is required.", f.label)))
    }
}
