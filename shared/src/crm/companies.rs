use super::custom_values::{CustomFieldFilter, CustomValues};
use super::tags::check_tags;
use crate::validation::{self, check_name};
use crate::{FieldError, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CompanyDto {
    pub id: Uuid,
    pub name: String,
    pub domain: Option<String>,
    pub industry: Option<String>,
    pub size: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub website: Option<String>,
    pub owner_id: Option<UserId>,
    pub notes: Option<String>,
    /// Tag names, sorted.
    #[serde(default)]
    pub tags: Vec<String>,
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

impl CompanyDto {
    /// The input that saves the company as it is (its tags and custom values left alone).
    pub fn to_input(self) -> CompanyInput {
        CompanyInput {
            name: self.name,
            domain: self.domain,
            industry: self.industry,
            size: self.size,
            phone: self.phone,
            address: self.address,
            website: self.website,
            owner_id: self.owner_id,
            notes: self.notes,
            tags: None,
            custom_fields: CustomValues::new(),
        }
    }
}

/// Create, or (with every field optional in meaning) replace the editable fields.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyInput {
    pub name: String,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// Defaults to the creator.
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub notes: Option<String>,
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

/// `acme.com` from `https://www.Acme.com/about`, or None when it is not a domain.
pub fn normalize_domain(raw: &str) -> Option<String> {
    let lower = raw.trim().to_lowercase();
    let without_scheme = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let host = without_scheme.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.strip_prefix("www.").unwrap_or(host);
    let valid = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    valid.then(|| host.to_owned())
}

impl CompanyInput {
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = validation::collect([check_name("name", "Name", &self.name)]);
        if let Some(domain) = self.domain.as_deref().filter(|d| !d.trim().is_empty())
            && normalize_domain(domain).is_none()
        {
            errors.push(FieldError::new(
                "domain",
                "invalid_domain",
                "Enter a domain such as acme.com.",
            ));
        }
        for (field, value) in [
            ("industry", &self.industry),
            ("size", &self.size),
            ("phone", &self.phone),
            ("address", &self.address),
            ("website", &self.website),
        ] {
            if value.as_ref().is_some_and(|v| v.chars().count() > 500) {
                errors.push(FieldError::new(field, "too_long", "At most 500 characters."));
            }
        }
        if self.notes.as_ref().is_some_and(|n| n.chars().count() > 20_000) {
            errors.push(FieldError::new("notes", "too_long", "At most 20,000 characters."));
        }
        if let Some(tags) = &self.tags {
            errors.extend(check_tags(tags));
        }
        errors
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CompanyListQuery {
    /// Matches name or domain.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub owner_id: Option<UserId>,
    #[serde(default)]
    pub industry: Option<String>,
    /// Only records with this tag (by name, any case).
    #[serde(default)]
    pub tag: Option<String>,
    /// `name`, `domain`, `industry`, `created_at`, `updated_at`; `-` in front for descending.
    #[serde(default)]
    pub sort: Option<String>,
    /// `cf.<key>=…` parameters, which the server splits off the query string (see
    /// [`crate::crm::custom_values`]).
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", param(ignore))]
    pub custom_fields: Vec<CustomFieldFilter>,
}

#[cfg(test)]
mod tests {
    use super::normalize_domain;

    #[test]
    fn domains_are_reduced_to_the_host() {
        assert_eq!(
            normalize_domain("https://www.Acme.com/about").as_deref(),
            Some("acme.com")
        );
        assert_eq!(
            normalize_domain("sub.example.co.uk").as_deref(),
            Some("sub.example.co.uk")
        );
        assert_eq!(normalize_domain("not a domain"), None);
        assert_eq!(normalize_domain("localhost"), None);
    }
}
