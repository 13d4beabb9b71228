//! Merging duplicate contacts or companies, and the likely duplicates Kite suggests.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Whose value a field of the merged record takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MergeSide {
    #[default]
    Survivor,
    Merged,
}

/// Merges `merged_id` into `survivor_id`: the survivor keeps every deal, activity, note,
/// tag and timeline entry of both, takes the fields listed as `merged` from the other
/// record, and the other record goes to the trash.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    pub survivor_id: Uuid,
    pub merged_id: Uuid,
    /// Field name → side; fields left out keep the survivor's value (or the other's when
    /// the survivor has none).
    #[serde(default)]
    pub fields: BTreeMap<String, MergeSide>,
}

/// The fields a merge chooses between, per kind of record.
pub const CONTACT_MERGE_FIELDS: [&str; 9] = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "company_id",
    "owner_id",
    "lifecycle_stage",
    "source",
];
pub const COMPANY_MERGE_FIELDS: [&str; 9] = [
    "name", "domain", "industry", "size", "phone", "address", "website", "owner_id", "notes",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// One contact's address is among the other's addresses.
    SameEmail,
    /// The same first and last name at the same company (or both without one).
    SameNameAndCompany,
    SameDomain,
    SameName,
}

impl DuplicateReason {
    pub fn label(self) -> &'static str {
        match self {
            DuplicateReason::SameEmail => "Same email",
            DuplicateReason::SameNameAndCompany => "Same name and company",
            DuplicateReason::SameDomain => "Same domain",
            DuplicateReason::SameName => "Same name",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateRecord {
    pub id: Uuid,
    pub name: String,
    /// Email for contacts, domain for companies.
    pub detail: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Two records that are probably the same, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicatePair {
    pub reason: DuplicateReason,
    pub first: DuplicateRecord,
    pub second: DuplicateRecord,
}
