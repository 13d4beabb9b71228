use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One hit of the global search box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub id: Uuid,
    /// The record's name or title.
    pub title: String,
    /// A second line: email, domain, company, stage…
    pub subtitle: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub contacts: Vec<SearchHit>,
    pub companies: Vec<SearchHit>,
    pub deals: Vec<SearchHit>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// At least two characters: matched against names, emails, domains, phones, titles.
    pub q: String,
    /// Hits per kind, at most 20 (default 5).
    #[serde(default)]
    pub limit: Option<u64>,
}
