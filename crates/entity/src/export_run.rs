use sea_orm::entity::prelude::*;

/// One run of a scheduled export; its file lives in the data directory's `exports/`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "export_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub scheduled_export_id: Uuid,
    /// The job that made it: a retried job reuses its run.
    pub job_id: Uuid,
    pub status: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub row_count: Option<i64>,
    pub file_name: Option<String>,
    pub file_size: Option<i64>,
    pub attached: bool,
    pub error: Option<String>,
    pub expires_at: DateTimeUtc,
    pub file_removed: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
