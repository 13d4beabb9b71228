//! Importing contacts, companies and deals from CSV and spreadsheet files.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportEntity {
    Contacts,
    Companies,
    Deals,
}

impl ImportEntity {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportEntity::Contacts => "contacts",
            ImportEntity::Companies => "companies",
            ImportEntity::Deals => "deals",
        }
    }

    pub fn parse(raw: &str) -> Option<ImportEntity> {
        match raw {
            "contacts" => Some(ImportEntity::Contacts),
            "companies" => Some(ImportEntity::Companies),
            "deals" => Some(ImportEntity::Deals),
            _ => None,
        }
    }

    /// The fields a column can be mapped to.
    pub fn fields(self) -> &'static [ImportField] {
        match self {
            ImportEntity::Contacts => CONTACT_FIELDS,
            ImportEntity::Companies => COMPANY_FIELDS,
            ImportEntity::Deals => DEAL_FIELDS,
        }
    }
}

/// What to do with a row that matches an existing record (by id, else by email for
/// contacts, domain or name for companies).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DuplicateMode {
    #[default]
    Skip,
    Update,
    Create,
}

impl DuplicateMode {
    pub fn as_str(self) -> &'static str {
        match self {
            DuplicateMode::Skip => "skip",
            DuplicateMode::Update => "update",
            DuplicateMode::Create => "create",
        }
    }

    pub fn parse(raw: &str) -> DuplicateMode {
        match raw {
            "update" => DuplicateMode::Update,
            "create" => DuplicateMode::Create,
            _ => DuplicateMode::Skip,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportField {
    pub key: &'static str,
    pub label: &'static str,
    /// Names people give this column, compared without case, spaces or punctuation.
    pub synonyms: &'static [&'static str],
}

/// A field a column can be mapped to, as the mapping screen lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldOption {
    pub key: String,
    pub label: String,
}

impl From<&ImportField> for FieldOption {
    fn from(field: &ImportField) -> Self {
        Self {
            key: field.key.to_owned(),
            label: field.label.to_owned(),
        }
    }
}

const fn field(key: &'static str, label: &'static str, synonyms: &'static [&'static str]) -> ImportField {
    ImportField { key, label, synonyms }
}

pub const CONTACT_FIELDS: &[ImportField] = &[
    field("id", "Kite id", &["id", "kite id", "contact id"]),
    field(
        "first_name",
        "First name",
        &[
            "first name",
            "firstname",
            "given name",
            "forename",
            "vorname",
            "prenom",
            "prénom",
            "nombre",
        ],
    ),
    field(
        "last_name",
        "Last name",
        &[
            "last name",
            "lastname",
            "surname",
            "family name",
            "nachname",
            "nom",
            "apellido",
        ],
    ),
    field(
        "full_name",
        "Full name",
        &["name", "full name", "contact name", "contact", "person"],
    ),
    field(
        "email",
        "Email",
        &[
            "email",
            "e-mail",
            "email address",
            "e-mail address",
            "mail",
            "emailadresse",
            "e-mail-adresse",
            "courriel",
            "correo",
        ],
    ),
    field(
        "other_emails",
        "Other emails",
        &["other emails", "secondary email", "alternate email"],
    ),
    field(
        "phone",
        "Phone",
        &[
            "phone",
            "phone number",
            "telephone",
            "tel",
            "mobile",
            "cell",
            "telefon",
            "telefonnummer",
            "téléphone",
            "telefono",
        ],
    ),
    field(
        "other_phones",
        "Other phones",
        &["other phones", "secondary phone", "alternate phone"],
    ),
    field(
        "title",
        "Job title",
        &[
            "title",
            "job title",
            "position",
            "role",
            "jobtitle",
            "funktion",
            "poste",
        ],
    ),
    field(
        "company",
        "Company",
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "account",
            "account name",
            "firma",
            "unternehmen",
            "entreprise",
            "société",
            "empresa",
        ],
    ),
    field(
        "lifecycle_stage",
        "Lifecycle stage",
        &["lifecycle stage", "lifecycle", "stage", "lead status"],
    ),
    field("source", "Source", &["source", "lead source", "origin", "quelle"]),
    field(
        "owner",
        "Owner (email)",
        &["owner", "owner email", "assigned to", "sales rep", "account owner"],
    ),
    field("tags", "Tags", &["tags", "labels", "tag"]),
];

pub const COMPANY_FIELDS: &[ImportField] = &[
    field("id", "Kite id", &["id", "kite id", "company id"]),
    field(
        "name",
        "Name",
        &[
            "name",
            "company",
            "company name",
            "organization",
            "organisation",
            "account",
            "account name",
            "firma",
            "firmenname",
            "unternehmen",
            "entreprise",
            "empresa",
        ],
    ),
    field("domain", "Domain", &["domain", "company domain", "email domain"]),
    field(
        "website",
        "Website",
        &["website", "web", "url", "homepage", "site", "webseite"],
    ),
    field("industry", "Industry", &["industry", "sector", "branche", "secteur"]),
    field(
        "size",
        "Size",
        &["size", "company size", "employees", "headcount", "number of employees"],
    ),
    field(
        "phone",
        "Phone",
        &["phone", "phone number", "telephone", "tel", "telefon"],
    ),
    field(
        "address",
        "Address",
        &["address", "street", "location", "adresse", "anschrift"],
    ),
    field(
        "owner",
        "Owner (email)",
        &["owner", "owner email", "account owner", "assigned to"],
    ),
    field("notes", "Notes", &["notes", "description", "comments", "notizen"]),
    field("tags", "Tags", &["tags", "labels", "tag"]),
];

pub const DEAL_FIELDS: &[ImportField] = &[
    field("id", "Kite id", &["id", "kite id", "deal id"]),
    field(
        "title",
        "Title",
        &[
            "title",
            "deal",
            "deal name",
            "name",
            "opportunity",
            "opportunity name",
            "subject",
        ],
    ),
    field(
        "value",
        "Value",
        &["value", "amount", "deal value", "price", "revenue", "betrag", "montant"],
    ),
    field(
        "currency",
        "Currency",
        &["currency", "currency code", "währung", "devise"],
    ),
    field("pipeline", "Pipeline", &["pipeline"]),
    // Not "status": exports carry a Status column that follows from the stage.
    field("stage", "Stage", &["stage", "deal stage", "phase"]),
    field(
        "expected_close",
        "Expected close",
        &["expected close", "close date", "expected close date", "closing date"],
    ),
    field(
        "probability",
        "Probability",
        &["probability", "win probability", "chance"],
    ),
    field(
        "company",
        "Company",
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "account",
            "firma",
        ],
    ),
    field(
        "contact_email",
        "Contact email",
        &["contact email", "contact", "email", "e-mail"],
    ),
    field(
        "owner",
        "Owner (email)",
        &["owner", "owner email", "assigned to", "sales rep"],
    ),
    field("lost_reason", "Lost reason", &["lost reason", "reason lost"]),
    field("tags", "Tags", &["tags", "labels", "tag"]),
];

/// Lower-cased letters and digits only, so "E-Mail Address" and "email_address" meet.
pub fn header_key(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a column header most likely means, if any.
pub fn suggest_field(entity: ImportEntity, header: &str) -> Option<&'static str> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    entity
        .fields()
        .iter()
        .find(|f| header_key(f.key) == key || f.synonyms.iter().any(|s| header_key(s) == key))
        .map(|f| f.key)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportColumn {
    pub name: String,
    /// The first non-empty values, to recognise the column by.
    pub samples: Vec<String>,
}

/// What an upload answers: the file's columns, its first rows and a suggested mapping.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportUploaded {
    pub id: Uuid,
    pub entity: ImportEntity,
    pub file_name: String,
    /// `csv`, `xlsx`, `xls` or `ods`.
    pub format: String,
    /// The sheets of a workbook (the one read is `sheet`).
    pub sheets: Vec<String>,
    pub sheet: Option<String>,
    /// How a CSV was read: `utf-8` or `windows-1252`, and its delimiter.
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub columns: Vec<ImportColumn>,
    pub preview_rows: Vec<Vec<String>>,
    /// Column name → field key, for the columns Kite recognised.
    pub suggested_mapping: BTreeMap<String, String>,
    /// Every field a column can map to.
    pub fields: Vec<FieldOption>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ImportMappingRequest {
    /// Column name → field key; columns left out (or mapped to "") are ignored.
    pub mapping: BTreeMap<String, String>,
    #[serde(default)]
    pub duplicates: DuplicateMode,
}

/// One problem with one row (row 1 is the first data row after the header).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    pub row: u64,
    pub field: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCounts {
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub skipped: u64,
    pub failed: u64,
}

/// A dry run's verdict: what a run would do, and the first errors of each field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DryRunReport {
    pub counts: ImportCounts,
    /// Failed rows per field.
    pub errors_by_field: BTreeMap<String, u64>,
    pub errors: Vec<RowError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Uploaded, waiting for a mapping.
    Uploaded,
    /// Mapped, ready for a dry run or a run.
    Mapped,
    Running,
    Done,
    Failed,
    Cancelled,
    Undone,
}

impl ImportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ImportStatus::Uploaded => "uploaded",
            ImportStatus::Mapped => "mapped",
            ImportStatus::Running => "running",
            ImportStatus::Done => "done",
            ImportStatus::Failed => "failed",
            ImportStatus::Cancelled => "cancelled",
            ImportStatus::Undone => "undone",
        }
    }

    pub fn parse(raw: &str) -> ImportStatus {
        match raw {
            "mapped" => ImportStatus::Mapped,
            "running" => ImportStatus::Running,
            "done" => ImportStatus::Done,
            "failed" => ImportStatus::Failed,
            "cancelled" => ImportStatus::Cancelled,
            "undone" => ImportStatus::Undone,
            _ => ImportStatus::Uploaded,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportDto {
    pub id: Uuid,
    pub entity: ImportEntity,
    pub status: ImportStatus,
    pub file_name: String,
    pub format: String,
    pub mapping: BTreeMap<String, String>,
    pub duplicates: DuplicateMode,
    pub counts: ImportCounts,
    /// Rows read so far by the run.
    pub rows_done: u64,
    pub errors: Vec<RowError>,
    pub job_id: Option<Uuid>,
    pub created_by: Option<crate::UserId>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messy_headers_find_their_fields() {
        assert_eq!(suggest_field(ImportEntity::Contacts, "E-Mail"), Some("email"));
        assert_eq!(suggest_field(ImportEntity::Contacts, " Email Address "), Some("email"));
        assert_eq!(suggest_field(ImportEntity::Contacts, "Firma"), Some("company"));
        assert_eq!(suggest_field(ImportEntity::Contacts, "FIRST_NAME"), Some("first_name"));
        assert_eq!(suggest_field(ImportEntity::Companies, "Company Name"), Some("name"));
        assert_eq!(suggest_field(ImportEntity::Deals, "Amount"), Some("value"));
        assert_eq!(suggest_field(ImportEntity::Contacts, "Shoe size"), None);
    }
}
