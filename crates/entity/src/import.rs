use sea_orm::entity::prelude::*;

/// One uploaded file on its way into the CRM.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub created_by: Option<Uuid>,
    /// `contacts`, `companies` or `deals`.
    pub entity: String,
    pub status: String,
    pub file_name: String,
    /// The file's name in the data directory's `imports/` folder.
    pub stored_name: String,
    pub format: String,
    pub sheet: Option<String>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    /// JSON array of the column names.
    pub headers: String,
    /// JSON object: column name → field key.
    pub mapping: String,
    pub duplicates: String,
    pub rows_total: Option<i64>,
    /// Rows whose outcome is committed; a resumed run starts after them.
    pub rows_done: i64,
    pub created_count: i64,
    pub updated_count: i64,
    pub skipped_count: i64,
    pub failed_count: i64,
    /// JSON array of the first row errors.
    pub errors: String,
    pub job_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
