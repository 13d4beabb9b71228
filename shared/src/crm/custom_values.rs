//! The values records hold in their custom fields, as the API carries them: a JSON object
//! `custom_fields` keyed by the field's key, each value typed by its field. The same
//! checks run in the SPA's forms and on the server, which also checks what needs the
//! database (that a user exists).
//!
//! Lists filter on them with `cf.<key>=…` query parameters (`cf.<key>.min` and
//! `cf.<key>.max` for ranges of numbers, amounts and dates).

use super::custom_fields::{CustomFieldDto, CustomFieldType};
use crate::FieldError;
use crate::validation::check_email;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A record's custom field values by key. On input a key left out keeps its value and
/// `null` clears it.
pub type CustomValues = BTreeMap<String, Value>;

/// One custom field's value in the OpenAPI document; which of these a field takes
/// follows its `field_type` (`GET /custom-fields`).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub enum CustomFieldValue {
    /// Text, long text, URL, email, a date (`YYYY-MM-DD`), a single select's option or a user id.
    Text(String),
    /// A number or a currency amount (in the field's currency, at most two decimals).
    Number(f64),
    /// Yes / no.
    Boolean(bool),
    /// A multi select's options.
    Options(Vec<String>),
}

pub const TEXT_MAX_CHARS: usize = 500;
pub const LONG_TEXT_MAX_CHARS: usize = 10_000;
/// Far beyond any real amount, and still exact in a double.
const NUMBER_LIMIT: f64 = 1e15;

/// A value checked against its field and put in the one form it is stored and shown in.
#[derive(Clone, Debug, PartialEq)]
pub enum CustomValue {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Bool(bool),
    /// The chosen options of a select field, in the field's order, as the field spells them.
    Options(Vec<String>),
    User(Uuid),
}

impl CustomValue {
    pub fn to_json(&self, field_type: CustomFieldType) -> Value {
        match self {
            CustomValue::Text(text) => Value::from(text.as_str()),
            CustomValue::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
            CustomValue::Date(date) => Value::from(date.to_string()),
            CustomValue::Bool(b) => Value::from(*b),
            CustomValue::Options(options) if field_type == CustomFieldType::SingleSelect => {
                options.first().map_or(Value::Null, |o| Value::from(o.as_str()))
            }
            CustomValue::Options(options) => Value::from(options.clone()),
            CustomValue::User(id) => Value::from(id.to_string()),
        }
    }
}

/// `custom_fields.tier`: how errors name a custom field.
pub fn error_field(key: &str) -> String {
    format!("custom_fields.{key}")
}

fn wrong_type(key: &str, expected: &str) -> FieldError {
    FieldError::new(&error_field(key), "wrong_type", format!("Expected {expected}."))
}

/// The option of `field` that `given` names (any case), as the field spells it.
pub fn option_named<'a>(field: &'a CustomFieldDto, given: &str) -> Option<&'a str> {
    let given = given.trim().to_lowercase();
    field
        .options
        .iter()
        .find(|o| o.to_lowercase() == given)
        .map(String::as_str)
}

fn not_an_option(field: &CustomFieldDto, given: &str) -> FieldError {
    FieldError::new(
        &error_field(&field.key),
        "unknown_option",
        format!("\"{}\" is not an option of {}.", given.trim(), field.label),
    )
}

fn text(key: &str, raw: &str, max: usize) -> Result<Option<CustomValue>, FieldError> {
    let text = raw.trim();
    if text.is_empty() {
        Ok(None)
    } else if text.chars().count() > max {
        Err(FieldError::new(
            &error_field(key),
            "too_long",
            format!("At most {max} characters."),
        ))
    } else {
        Ok(Some(CustomValue::Text(text.to_owned())))
    }
}

fn url(key: &str, raw: &str) -> Result<Option<CustomValue>, FieldError> {
    let value = text(key, raw, TEXT_MAX_CHARS)?;
    if let Some(CustomValue::Text(url)) = &value {
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .unwrap_or_default();
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if host.is_empty() || url.chars().any(char::is_whitespace) {
            return Err(FieldError::new(
                &error_field(key),
                "invalid_url",
                "Enter a web address starting with http:// or https://.",
            ));
        }
    }
    Ok(value)
}

fn number(field: &CustomFieldDto, n: f64) -> Result<Option<CustomValue>, FieldError> {
    if !n.is_finite() || n.abs() >= NUMBER_LIMIT {
        return Err(FieldError::new(
            &error_field(&field.key),
            "out_of_range",
            "This number is too large.",
        ));
    }
    let cents = n * 100.0;
    if field.field_type == CustomFieldType::Currency && (cents - cents.round()).abs() > 1e-6 {
        return Err(FieldError::new(
            &error_field(&field.key),
            "invalid_amount",
            "An amount has at most two decimals.",
        ));
    }
    Ok(Some(CustomValue::Number(n)))
}

fn options(field: &CustomFieldDto, given: &[Value]) -> Result<Option<CustomValue>, FieldError> {
    let mut chosen = Vec::new();
    for value in given {
        let name = value
            .as_str()
            .ok_or_else(|| wrong_type(&field.key, "a list of option names"))?;
        let option = option_named(field, name).ok_or_else(|| not_an_option(field, name))?;
        if !chosen.contains(&option) {
            chosen.push(option);
        }
    }
    // In the field's order, so equal choices are equal values.
    let ordered: Vec<String> = field
        .options
        .iter()
        .filter(|o| chosen.contains(&o.as_str()))
        .cloned()
        .collect();
    Ok((!ordered.is_empty()).then_some(CustomValue::Options(ordered)))
}

/// `value` checked against `field`: `None` when it clears the field (null, an empty text,
/// no options). Whether a user exists is for the server to check.
pub fn parse_value(field: &CustomFieldDto, value: &Value) -> Result<Option<CustomValue>, FieldError> {
    let key = field.key.as_str();
    if value.is_null() {
        return Ok(None);
    }
    match field.field_type {
        CustomFieldType::Text => text(
            key,
            value.as_str().ok_or_else(|| wrong_type(key, "text"))?,
            TEXT_MAX_CHARS,
        ),
        CustomFieldType::LongText => text(
            key,
            value.as_str().ok_or_else(|| wrong_type(key, "text"))?,
            LONG_TEXT_MAX_CHARS,
        ),
        CustomFieldType::Url => url(key, value.as_str().ok_or_else(|| wrong_type(key, "a web address"))?),
        CustomFieldType::Email => {
            let raw = value.as_str().ok_or_else(|| wrong_type(key, "an email address"))?;
            if raw.trim().is_empty() {
                return Ok(None);
            }
            match check_email(&error_field(key), raw) {
                Some(error) => Err(error),
                None => Ok(Some(CustomValue::Text(raw.trim().to_lowercase()))),
            }
        }
        CustomFieldType::Number | CustomFieldType::Currency => {
            number(field, value.as_f64().ok_or_else(|| wrong_type(key, "a number"))?)
        }
        CustomFieldType::Date => {
            let raw = value.as_str().ok_or_else(|| wrong_type(key, "a date (YYYY-MM-DD)"))?;
            if raw.trim().is_empty() {
                return Ok(None);
            }
            raw.trim()
                .parse::<NaiveDate>()
                .map(|d| Some(CustomValue::Date(d)))
                .map_err(|_| FieldError::new(&error_field(key), "invalid_date", "Enter a date as YYYY-MM-DD."))
        }
        CustomFieldType::Boolean => value
            .as_bool()
            .map(|b| Some(CustomValue::Bool(b)))
            .ok_or_else(|| wrong_type(key, "true or false")),
        CustomFieldType::SingleSelect => {
            let name = value.as_str().ok_or_else(|| wrong_type(key, "an option name"))?;
            if name.trim().is_empty() {
                return Ok(None);
            }
            options(field, std::slice::from_ref(value))
        }
        CustomFieldType::MultiSelect => options(
            field,
            value
                .as_array()
                .ok_or_else(|| wrong_type(key, "a list of option names"))?,
        ),
        CustomFieldType::User => {
            let raw = value.as_str().ok_or_else(|| wrong_type(key, "a user id"))?;
            if raw.trim().is_empty() {
                return Ok(None);
            }
            raw.trim()
                .parse::<Uuid>()
                .map(|id| Some(CustomValue::User(id)))
                .map_err(|_| wrong_type(key, "a user id"))
        }
    }
}

/// How a filter compares a field's value with the one given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// Equal (a select: has the option; a text: contains it, any case).
    Is,
    /// At least (numbers, amounts, dates).
    Min,
    /// At most (numbers, amounts, dates).
    Max,
}

pub const FILTER_PREFIX: &str = "cf.";

/// One `cf.<key>[.min|.max]=<value>` parameter of a record list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomFieldFilter {
    pub key: String,
    pub op: FilterOp,
    pub value: String,
}

impl CustomFieldFilter {
    /// The filter a query parameter named `param` makes, if it is a custom field's.
    pub fn parse(param: &str, value: &str) -> Option<CustomFieldFilter> {
        let rest = param.strip_prefix(FILTER_PREFIX)?;
        let (key, op) = match rest.rsplit_once('.') {
            Some((key, "min")) => (key, FilterOp::Min),
            Some((key, "max")) => (key, FilterOp::Max),
            _ => (rest, FilterOp::Is),
        };
        Some(CustomFieldFilter {
            key: key.to_owned(),
            op,
            value: value.to_owned(),
        })
    }

    /// The query parameter's name.
    pub fn param(&self) -> String {
        match self.op {
            FilterOp::Is => format!("{FILTER_PREFIX}{}", self.key),
            FilterOp::Min => format!("{FILTER_PREFIX}{}.min", self.key),
            FilterOp::Max => format!("{FILTER_PREFIX}{}.max", self.key),
        }
    }
}

/// A record list's query, which takes `cf.*` filters besides its own fields.
pub trait CustomFiltered {
    fn with_custom_filters(self, filters: Vec<CustomFieldFilter>) -> Self;
}

macro_rules! custom_filtered {
    ($($query:ty),+) => {
        $(impl CustomFiltered for $query {
            fn with_custom_filters(self, custom_fields: Vec<CustomFieldFilter>) -> Self {
                Self { custom_fields, ..self }
            }
        })+
    };
}

custom_filtered!(
    super::contacts::ContactListQuery,
    super::companies::CompanyListQuery,
    super::deals::DealListQuery
);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;

    fn field(field_type: CustomFieldType, options: &[&str]) -> CustomFieldDto {
        CustomFieldDto {
            id: Uuid::nil(),
            entity: super::super::custom_fields::CustomFieldEntity::Contact,
            key: "f".into(),
            label: "F".into(),
            field_type,
            required: false,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            currency: None,
            position: 0,
            archived: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn code(field_type: CustomFieldType, value: Value) -> String {
        match parse_value(&field(field_type, &["Gold", "Silver"]), &value) {
            Ok(_) => "ok".into(),
            Err(e) => format!("{}:{}", e.field, e.code),
        }
    }

    #[test]
    fn values_of_the_wrong_type_name_the_field() {
        assert_eq!(code(CustomFieldType::Number, json!("12")), "custom_fields.f:wrong_type");
        assert_eq!(code(CustomFieldType::Boolean, json!(1)), "custom_fields.f:wrong_type");
        assert_eq!(
            code(CustomFieldType::Date, json!("31/12/2026")),
            "custom_fields.f:invalid_date"
        );
        assert_eq!(
            code(CustomFieldType::Url, json!("ftp://x")),
            "custom_fields.f:invalid_url"
        );
        assert_eq!(
            code(CustomFieldType::Email, json!("nope")),
            "custom_fields.f:invalid_email"
        );
        assert_eq!(
            code(CustomFieldType::Currency, json!(1.005)),
            "custom_fields.f:invalid_amount"
        );
        assert_eq!(
            code(CustomFieldType::User, json!("someone")),
            "custom_fields.f:wrong_type"
        );
        assert_eq!(code(CustomFieldType::Number, json!(12.5)), "ok");
    }

    #[test]
    fn select_values_must_be_options_and_take_their_spelling_and_order() {
        let multi = field(CustomFieldType::MultiSelect, &["Gold", "Silver"]);
        assert_eq!(
            parse_value(&multi, &json!(["silver", "GOLD", "Gold"])).ok().flatten(),
            Some(CustomValue::Options(vec!["Gold".into(), "Silver".into()]))
        );
        assert_eq!(
            code(CustomFieldType::SingleSelect, json!("Bronze")),
            "custom_fields.f:unknown_option"
        );
        assert_eq!(parse_value(&multi, &json!([])).ok(), Some(None), "no options clears");
    }

    #[test]
    fn filter_parameters_name_their_field_and_comparison() {
        let min = CustomFieldFilter::parse("cf.arr.min", "1000").expect("a filter");
        assert_eq!((min.key.as_str(), min.op), ("arr", FilterOp::Min));
        assert_eq!(min.param(), "cf.arr.min");
        assert_eq!(
            CustomFieldFilter::parse("cf.tier", "Gold").map(|f| f.op),
            Some(FilterOp::Is)
        );
        assert_eq!(CustomFieldFilter::parse("tier", "Gold"), None);
    }
}
