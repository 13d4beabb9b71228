use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    /// Lower-case; unique among the organization's live contacts.
    pub email: Option<String>,
    /// JSON array of further addresses.
    pub other_emails: String,
    pub phone: Option<String>,
    /// JSON array of further numbers.
    pub other_phones: String,
    pub title: Option<String>,
    pub company_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub lifecycle_stage: String,
    pub source: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// The import that created the record, if one did.
    pub import_id: Option<Uuid>,
    /// Set when this record was merged into another one (and trashed).
    pub merged_into_id: Option<Uuid>,
    /// 0–100, written by the scorer only (never by an edit, so never audited).
    pub score: Option<i32>,
    /// JSON of kite_shared's `RecordScore`.
    pub score_detail: Option<String>,
    pub scored_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
