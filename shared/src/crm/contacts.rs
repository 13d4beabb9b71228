use super::custom_values::{CustomFieldFilter, CustomValues};
use super::tags::check_tags;
use crate::validation::{self, NAME_MAX_CHARS, check_email};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// Where a contact is in the buying journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LifecycleStage {
    Subscriber,
    Lead,
    /// Marketing-qualified lead.
    Mql,
    /// Sales-qualified lead.
    Sql,
    Opportunity,
    Customer,
    Evangelist,
    Other,
}

impl LifecycleStage {
    pub const ALL: [LifecycleStage; 8] = [
        LifecycleStage::Subscriber,
        LifecycleStage::Lead,
        LifecycleStage::Mql,
        LifecycleStage::Sql,
        LifecycleStage::Opportunity,
        LifecycleStage::Customer,
        LifecycleStage::Evangelist,
        LifecycleStage::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleStage::Subscriber => "subscriber",
            LifecycleStage::Lead => "lead",
            LifecycleStage::Mql => "mql",
            LifecycleStage::Sql => "sql",
            LifecycleStage::Opportunity => "opportunity",
            LifecycleStage::Customer => "customer",
            LifecycleStage::Evangelist => "evangelist",
            LifecycleStage::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LifecycleStage::Subscriber => "Subscriber",
            LifecycleStage::Lead => "Lead",
            LifecycleStage::Mql => "Marketing qualified",
            LifecycleStage::Sql => "Sales qualified",
            LifecycleStage::Opportunity => "Opportunity",
            LifecycleStage::Customer => "Customer",
            LifecycleStage::Evangelist => "Evangelist",
            LifecycleStage::Other => "Other",
        }
    }
}

impl fmt::Display for LifecycleStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LifecycleStage {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LifecycleStage::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| format!("unknown lifecycle stage `{s}`"))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactDto {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// Further addresses besides the primary `email`.
    pub other_emails: Vec<String>,
    pub phone: Option<String>,
    pub other_phones: Vec<String>,
    pub title: Option<String>,
    pub company_id: Option<Uuid>,
    /// The linked company's name, for lists and cards.
    pub company_name: Option<String>,
    pub owner_id: Option<UserId>,
    pub lifecycle_stage: LifecycleStage,
    pub source: Option<String>,
    /// Tag names, sorted.
    #[serde(default)]
    pub tags: Vec<String>,
    /// How likely the contact is to buy, and why; `None` until first scored.
    #[serde(default)]
    pub score: Option<crate::insights::RecordScore>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Custom field values by the field's key (`GET /custom-fields` lists the fields and
    /// their types): text, long text, URL, email and user (an id) as strings, numbers and
    /// currency amounts as numbers, dates as `YYYY-MM-DD`, yes/no as booleans, a single
    /// select as the option's name and a multi select as a list of names. Fields without a
    /// value are left out.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::crm::custom_values::CustomFieldValue>))]
    pub custom_fields: CustomValues,
}

impl ContactDto {
    /// The input that saves the contact as it is (its tags and custom values left alone).
    pub fn to_input(self) -> ContactInput {
        ContactInput {
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            other_emails: self.other_emails,
            phone: self.phone,
            other_phones: self.other_phones,
            title: self.title,
            company_id: self.company_id,
            owner_id: self.owner_id,
            lifecycle_stage: Some(self.lifecycle_stage),
            source: self.source,
            tags: None,
            custom_fields: CustomValues::new(),
        }
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_owned()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub other_emails: Vec<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub other_phones: Vec<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub lifecycle_stage: Option<LifecycleStage>,
    #[serde(default)]
    pub source: Option<String>,
    /// Replaces the record's tags (created when new); left out, the tags stay as they are.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Custom field values by key, typed as in the record's `custom_fields`; a key left
    /// out keeps its value, `null` clears it. A wrong type, an unknown option or key is a
    /// 422 naming `custom_fields.<key>`.
    #[serde(default, skip_serializing_if = "CustomValues::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, crate::crm::custom_values::CustomFieldValue>))]
    pub custom_fields: CustomValues,
}

impl ContactInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.first_name.trim().is_empty() && self.last_name.trim().is_empty() {
            errors.push(FieldError::new("first_name", "required", "Enter a first or last name."));
        }
        for (field, value) in [("first_name", &self.first_name), ("last_name", &self.last_name)] {
            if value.chars().count() > NAME_MAX_CHARS {
                errors.push(FieldError::new(
                    field,
                    "too_long",
                    format!("At most {NAME_MAX_CHARS} characters."),
                ));
            }
        }
        if let Some(email) = self.email.as_deref().filter(|e| !e.trim().is_empty()) {
            errors.extend(check_email("email", email));
        }
        for (i, email) in self.other_emails.iter().enumerate() {
            errors.extend(check_email(&format!("other_emails.{i}"), email));
        }
        if self.other_emails.len() > 10 || self.other_phones.len() > 10 {
            errors.push(FieldError::new(
                "other_emails",
                "too_many",
                "At most 10 extra emails and phones.",
            ));
        }
        for (field, value) in [("phone", &self.phone), ("title", &self.title), ("source", &self.source)] {
            if value.as_ref().is_some_and(|v| v.chars().count() > 200) {
                errors.push(FieldError::new(field, "too_long", "At most 200 characters."));
            }
        }
        if let Some(tags) = &self.tags {
            errors.extend(check_tags(tags));
        }
        validation::collect(errors.into_iter().map(Some))
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ContactListQuery {
    /// Matches name, email or phone.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub company_id: Option<Uuid>,
    #[serde(default)]
    pub lifecycle_stage: Option<LifecycleStage>,
    /// Only records with this tag (by name, any case).
    #[serde(default)]
    pub tag: Option<String>,
    /// Created at or after (RFC 3339).
    #[serde(default)]
    pub created_from: Option<DateTime<Utc>>,
    /// Created before (RFC 3339).
    #[serde(default)]
    pub created_to: Option<DateTime<Utc>>,
    /// Scored at least this (0–100); unscored contacts are left out.
    #[serde(default)]
    pub min_score: Option<i32>,
    /// Scored at most this (0–100); unscored contacts are left out.
    #[serde(default)]
    pub max_score: Option<i32>,
    /// `first_name`, `last_name`, `email`, `lifecycle_stage`, `score`, `created_at`,
    /// `updated_at`; `-` in front for descending. Unscored contacts come last either way.
    #[serde(default)]
    pub sort: Option<String>,
    /// `cf.<key>=…` parameters, which the server splits off the query string (see
    /// [`crate::crm::custom_values`]).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub custom_fields: Vec<CustomFieldFilter>,
}
