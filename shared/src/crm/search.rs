use super::notes::RecordKind;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One hit of the global search. Hits come contacts first, then companies, then deals,
/// each kind in the order its records were created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub kind: RecordKind,
    pub id: Uuid,
    /// The record's name or title.
    pub title: String,
    /// A second line: email, domain, company, stage…
    pub subtitle: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// At least two characters: the start of a name, email, domain, phone or title.
    pub q: String,
    /// Only hits of this kind (`contact`, `company` or `deal`).
    #[serde(default)]
    pub kind: Option<RecordKind>,
}
