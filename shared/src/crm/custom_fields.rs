//! Custom fields: the fields a team adds to contacts, companies or deals (an industry, a
//! contract end, a tier). Admins define them; a field's key and type are fixed once made,
//! its label, options and whether it is required can change, and archiving hides it
//! while keeping what records hold.

use crate::FieldError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use uuid::Uuid;

pub const MAX_FIELDS_PER_ENTITY: usize = 100;
pub const MAX_OPTIONS: usize = 200;
const LABEL_MAX_CHARS: usize = 80;
const OPTION_MAX_CHARS: usize = 100;
const KEY_MAX_CHARS: usize = 40;

string_enum!(
    /// The kind of record a custom field belongs to.
    CustomFieldEntity {
        Contact => "contact", "Contacts",
        Company => "company", "Companies",
        Deal => "deal", "Deals",
    }
);

string_enum!(
    /// What a custom field holds, which decides how it is entered, checked, filtered and shown.
    CustomFieldType {
        Text => "text", "Text",
        LongText => "long_text", "Long text",
        Number => "number", "Number",
        Currency => "currency", "Currency amount",
        Date => "date", "Date",
        Boolean => "boolean", "Yes / no",
        SingleSelect => "single_select", "Single select",
        MultiSelect => "multi_select", "Multi select",
        Url => "url", "URL",
        Email => "email", "Email",
        User => "user", "User",
    }
);

impl CustomFieldType {
    pub fn has_options(self) -> bool {
        matches!(self, CustomFieldType::SingleSelect | CustomFieldType::MultiSelect)
    }
}

impl CustomFieldEntity {
    /// The names of the built-in fields, which a custom field's key may not take.
    pub fn built_in_fields(self) -> &'static [&'static str] {
        match self {
            CustomFieldEntity::Contact => &[
                "id",
                "first_name",
                "last_name",
                "name",
                "email",
                "other_emails",
                "phone",
                "other_phones",
                "title",
                "company_id",
                "company",
                "owner_id",
                "owner",
                "lifecycle_stage",
                "source",
                "tags",
                "score",
                "created_at",
                "updated_at",
                "custom_fields",
            ],
            CustomFieldEntity::Company => &[
                "id",
                "name",
                "domain",
                "industry",
                "size",
                "phone",
                "website",
                "owner_id",
                "owner",
                "tags",
                "created_at",
                "updated_at",
                "custom_fields",
            ],
            CustomFieldEntity::Deal => &[
                "id",
                "title",
                "value",
                "amount",
                "currency",
                "stage_id",
                "stage",
                "pipeline_id",
                "pipeline",
                "company_id",
                "contact_ids",
                "owner_id",
                "owner",
                "expected_close",
                "status",
                "tags",
                "score",
                "probability",
                "created_at",
                "updated_at",
                "custom_fields",
            ],
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomFieldDto {
    pub id: Uuid,
    pub entity: CustomFieldEntity,
    /// Names the field in the API (`custom_fields.<key>`), filters and imports; fixed.
    pub key: String,
    pub label: String,
    pub field_type: CustomFieldType,
    pub required: bool,
    /// The choices of a select field, in the order they are offered.
    pub options: Vec<String>,
    /// The currency of a currency field (ISO 4217).
    pub currency: Option<String>,
    pub position: i32,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateCustomField {
    pub entity: CustomFieldEntity,
    pub label: String,
    /// Made from the label when left out (`Contract end` → `contract_end`).
    #[serde(default)]
    pub key: Option<String>,
    pub field_type: CustomFieldType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub currency: Option<String>,
}

/// What can change about a field: everything but its entity, key and type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateCustomField {
    pub label: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub currency: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct CustomFieldQuery {
    #[serde(default)]
    pub entity: Option<CustomFieldEntity>,
    /// Archived fields too (they are left out unless asked for).
    #[serde(default)]
    pub include_archived: bool,
}

/// `Contract end (EU)` → `contract_end_eu`.
pub fn key_from_label(label: &str) -> String {
    let mut key = String::new();
    for c in label.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    let key = key.trim_end_matches('_');
    let key = if key.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{key}")
    } else {
        key.to_owned()
    };
    key.chars()
        .take(KEY_MAX_CHARS)
        .collect::<String>()
        .trim_end_matches('_')
        .to_owned()
}

fn check_label(label: &str) -> Option<FieldError> {
    let count = label.trim().chars().count();
    if count == 0 {
        Some(FieldError::new("label", "required", "A field needs a label."))
    } else if count > LABEL_MAX_CHARS {
        Some(FieldError::new("label", "too_long", "At most 80 characters."))
    } else {
        None
    }
}

pub fn check_key(entity: CustomFieldEntity, key: &str) -> Option<FieldError> {
    let valid = key.len() <= KEY_MAX_CHARS
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        Some(FieldError::new(
            "key",
            "invalid_key",
            "Lower-case letters, digits and _, starting with a letter, at most 40.",
        ))
    } else if entity.built_in_fields().contains(&key) {
        Some(FieldError::new(
            "key",
            "reserved",
            format!("\"{key}\" is a built-in field of {}.", entity.label().to_lowercase()),
        ))
    } else {
        None
    }
}

/// The options of a select field: at least one, each named once; none for other types.
fn check_options(field_type: CustomFieldType, options: &[String]) -> Vec<FieldError> {
    if !field_type.has_options() {
        return if options.is_empty() {
            Vec::new()
        } else {
            vec![FieldError::new(
                "options",
                "not_allowed",
                "Only select fields have options.",
            )]
        };
    }
    let mut errors = Vec::new();
    if options.is_empty() {
        errors.push(FieldError::new(
            "options",
            "required",
            "A select field needs at least one option.",
        ));
    }
    if options.len() > MAX_OPTIONS {
        errors.push(FieldError::new("options", "too_many", "At most 200 options."));
    }
    let mut seen = HashSet::new();
    for (i, option) in options.iter().enumerate() {
        let name = option.trim();
        let field = format!("options[{i}]");
        if name.is_empty() {
            errors.push(FieldError::new(&field, "required", "An option needs a name."));
        } else if name.chars().count() > OPTION_MAX_CHARS {
            errors.push(FieldError::new(&field, "too_long", "At most 100 characters."));
        } else if !seen.insert(name.to_lowercase()) {
            errors.push(FieldError::new(
                &field,
                "duplicate",
                format!("\"{name}\" is already an option."),
            ));
        }
    }
    errors
}

fn check_currency(field_type: CustomFieldType, currency: Option<&str>) -> Option<FieldError> {
    match (field_type, currency) {
        (CustomFieldType::Currency, Some(c)) if c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase()) => None,
        (CustomFieldType::Currency, _) => Some(FieldError::new(
            "currency",
            "invalid_currency",
            "A currency field needs its currency, e.g. EUR.",
        )),
        (_, Some(_)) => Some(FieldError::new(
            "currency",
            "not_allowed",
            "Only currency fields have a currency.",
        )),
        (_, None) => None,
    }
}

impl CreateCustomField {
    /// The key the field gets.
    pub fn key(&self) -> String {
        self.key
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map_or_else(|| key_from_label(&self.label), str::to_owned)
    }

    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_label(&self.label).into_iter().collect();
        if errors.is_empty() || self.key.is_some() {
            errors.extend(check_key(self.entity, &self.key()));
        }
        errors.extend(check_options(self.field_type, &self.options));
        errors.extend(check_currency(self.field_type, self.currency.as_deref()));
        errors
    }
}

impl UpdateCustomField {
    pub fn validate(&self, field_type: CustomFieldType) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_label(&self.label).into_iter().collect();
        errors.extend(check_options(field_type, &self.options));
        errors.extend(check_currency(field_type, self.currency.as_deref()));
        errors
    }
}

/// Options as stored: trimmed.
pub fn clean_options(options: &[String]) -> Vec<String> {
    options.iter().map(|o| o.trim().to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_made_from_the_label() {
        assert_eq!(key_from_label("Contract end (EU)"), "contract_end_eu");
        assert_eq!(key_from_label("  NPS score "), "nps_score");
        assert_eq!(key_from_label("2nd owner"), "f_2nd_owner");
    }

    #[test]
    fn a_built_in_name_is_not_a_key() {
        let field = CreateCustomField {
            entity: CustomFieldEntity::Contact,
            label: "Email".into(),
            key: None,
            field_type: CustomFieldType::Text,
            required: false,
            options: Vec::new(),
            currency: None,
        };
        assert_eq!(field.validate()[0].code, "reserved");
    }

    #[test]
    fn select_options_are_required_unique_and_only_for_selects() {
        let codes = |t, options: &[&str]| -> Vec<String> {
            check_options(t, &options.iter().map(|o| (*o).to_owned()).collect::<Vec<_>>())
                .into_iter()
                .map(|e| format!("{}:{}", e.field, e.code))
                .collect()
        };
        assert_eq!(codes(CustomFieldType::SingleSelect, &[]), ["options:required"]);
        assert_eq!(
            codes(CustomFieldType::MultiSelect, &["Gold", "gold "]),
            ["options[1]:duplicate"]
        );
        assert_eq!(codes(CustomFieldType::Text, &["Gold"]), ["options:not_allowed"]);
    }
}
