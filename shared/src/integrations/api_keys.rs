//! API keys: a secret another system sends instead of a session, limited to the areas
//! its scopes name.

use crate::FieldError;
use crate::validation::check_name;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What every key's secret starts with, so a leaked one is recognisable (secret scanners,
/// logs) and the server knows at once it is not a session token.
pub const SECRET_PREFIX: &str = "kite_live_";
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 600;
pub const MAX_RATE_LIMIT_PER_MINUTE: u32 = 100_000;

string_enum!(
    /// A part of the API a scope opens.
    ApiArea {
        Contacts => "contacts", "Contacts",
        Companies => "companies", "Companies",
        Deals => "deals", "Deals, pipelines and the board",
        Activities => "activities", "Activities, tasks and notes",
        Marketing => "marketing", "Templates, campaigns, sequences, suppressions",
        Analytics => "analytics", "Reports, dashboards, scores and suggestions",
        Webhooks => "webhooks", "Webhook subscriptions",
    }
);

/// Reading, or changing (which includes reading).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Read,
    Write,
}

string_enum!(
    /// One grant of a key: read or write on one area, or everything the creator may do.
    ApiScope {
        #[serde(rename = "contacts:read")] ContactsRead => "contacts:read", "Read contacts",
        #[serde(rename = "contacts:write")] ContactsWrite => "contacts:write", "Write contacts",
        #[serde(rename = "companies:read")] CompaniesRead => "companies:read", "Read companies",
        #[serde(rename = "companies:write")] CompaniesWrite => "companies:write", "Write companies",
        #[serde(rename = "deals:read")] DealsRead => "deals:read", "Read deals",
        #[serde(rename = "deals:write")] DealsWrite => "deals:write", "Write deals",
        #[serde(rename = "activities:read")] ActivitiesRead => "activities:read", "Read activities",
        #[serde(rename = "activities:write")] ActivitiesWrite => "activities:write", "Write activities",
        #[serde(rename = "marketing:read")] MarketingRead => "marketing:read", "Read marketing",
        #[serde(rename = "marketing:write")] MarketingWrite => "marketing:write", "Write marketing",
        #[serde(rename = "analytics:read")] AnalyticsRead => "analytics:read", "Read analytics",
        #[serde(rename = "analytics:write")] AnalyticsWrite => "analytics:write", "Write analytics",
        #[serde(rename = "webhooks:read")] WebhooksRead => "webhooks:read", "Read webhooks",
        #[serde(rename = "webhooks:write")] WebhooksWrite => "webhooks:write", "Write webhooks",
        #[serde(rename = "full")] Full => "full", "Full access",
    }
);

impl ApiScope {
    /// The scope for `access` to `area`.
    pub fn of(area: ApiArea, access: Access) -> ApiScope {
        use ApiArea::*;
        use ApiScope::*;
        match (area, access) {
            (Contacts, Access::Read) => ContactsRead,
            (Contacts, Access::Write) => ContactsWrite,
            (Companies, Access::Read) => CompaniesRead,
            (Companies, Access::Write) => CompaniesWrite,
            (Deals, Access::Read) => DealsRead,
            (Deals, Access::Write) => DealsWrite,
            (Activities, Access::Read) => ActivitiesRead,
            (Activities, Access::Write) => ActivitiesWrite,
            (Marketing, Access::Read) => MarketingRead,
            (Marketing, Access::Write) => MarketingWrite,
            (Analytics, Access::Read) => AnalyticsRead,
            (Analytics, Access::Write) => AnalyticsWrite,
            (Webhooks, Access::Read) => WebhooksRead,
            (Webhooks, Access::Write) => WebhooksWrite,
        }
    }

    /// The area and access this scope grants; `None` for full access.
    pub fn grant(self) -> Option<(ApiArea, Access)> {
        ApiArea::ALL
            .iter()
            .flat_map(|area| [Access::Read, Access::Write].map(|access| (*area, access)))
            .find(|(area, access)| ApiScope::of(*area, *access) == self)
    }
}

/// What a route needs of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeNeed {
    /// Any valid key (who am I).
    AnyKey,
    Area(ApiArea, Access),
    /// Routes outside the named areas (users, imports, the audit log): full access only.
    Full,
}

impl ScopeNeed {
    /// Whether `scopes` satisfy this need. Write on an area includes read on it.
    pub fn met_by(self, scopes: &[ApiScope]) -> bool {
        if scopes.contains(&ApiScope::Full) {
            return true;
        }
        match self {
            ScopeNeed::AnyKey => true,
            ScopeNeed::Full => false,
            ScopeNeed::Area(area, access) => {
                scopes.contains(&ApiScope::of(area, access))
                    || (access == Access::Read && scopes.contains(&ApiScope::of(area, Access::Write)))
            }
        }
    }

    /// The scope to name in a refusal.
    pub fn scope(self) -> ApiScope {
        match self {
            ScopeNeed::Area(area, access) => ApiScope::of(area, access),
            ScopeNeed::AnyKey | ScopeNeed::Full => ApiScope::Full,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyDto {
    pub id: Uuid,
    pub name: String,
    /// The secret's first characters (`kite_live_ab12`), to tell keys apart.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub rate_limit_per_minute: u32,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

impl ApiKeyDto {
    /// Whether the key still opens the API at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| at > now)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiKeyRequest {
    pub name: String,
    pub scopes: Vec<ApiScope>,
    /// After this instant the key answers 401; none means until revoked.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests a minute this key may make; 600 when not given.
    #[serde(default)]
    pub rate_limit_per_minute: Option<u32>,
}

impl CreateApiKeyRequest {
    pub fn validate(&self, now: DateTime<Utc>) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = check_name("name", "Name", &self.name).into_iter().collect();
        if self.scopes.is_empty() {
            errors.push(FieldError::new("scopes", "required", "Choose at least one scope."));
        }
        if self.expires_at.is_some_and(|at| at <= now) {
            errors.push(FieldError::new(
                "expires_at",
                "in_the_past",
                "The expiry must be in the future.",
            ));
        }
        if let Some(limit) = self.rate_limit_per_minute
            && !(1..=MAX_RATE_LIMIT_PER_MINUTE).contains(&limit)
        {
            errors.push(FieldError::new(
                "rate_limit_per_minute",
                "out_of_range",
                format!("The rate limit must be between 1 and {MAX_RATE_LIMIT_PER_MINUTE} requests a minute."),
            ));
        }
        errors
    }
}

/// A new key with its secret, which is shown this once and never again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    pub key: ApiKeyDto,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_on_an_area_includes_reading_it_but_not_other_areas() {
        let scopes = [ApiScope::ContactsWrite];
        assert!(ScopeNeed::Area(ApiArea::Contacts, Access::Read).met_by(&scopes));
        assert!(ScopeNeed::Area(ApiArea::Contacts, Access::Write).met_by(&scopes));
        assert!(!ScopeNeed::Area(ApiArea::Deals, Access::Read).met_by(&scopes));
        assert!(!ScopeNeed::Full.met_by(&scopes));
        assert!(ScopeNeed::AnyKey.met_by(&scopes));
    }

    #[test]
    fn read_does_not_include_write() {
        assert!(!ScopeNeed::Area(ApiArea::Deals, Access::Write).met_by(&[ApiScope::DealsRead]));
    }

    #[test]
    fn full_access_meets_every_need() {
        for need in [ScopeNeed::Full, ScopeNeed::Area(ApiArea::Webhooks, Access::Write)] {
            assert!(need.met_by(&[ApiScope::Full]));
        }
    }

    #[test]
    fn every_area_scope_maps_back_to_its_grant() {
        for scope in ApiScope::ALL {
            match scope.grant() {
                Some((area, access)) => assert_eq!(ApiScope::of(area, access), *scope),
                None => assert_eq!(*scope, ApiScope::Full),
            }
        }
    }

    #[test]
    fn scopes_travel_as_area_colon_access() {
        assert_eq!(
            serde_json::to_string(&ApiScope::DealsWrite).ok().as_deref(),
            Some("\"deals:write\"")
        );
        assert_eq!(ApiScope::parse("contacts:read"), Some(ApiScope::ContactsRead));
        assert!(serde_json::from_str::<ApiScope>("\"contacts:admin\"").is_err());
    }
}
