use sea_orm::entity::prelude::*;

/// An export that runs on a schedule and is emailed to its recipients.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "scheduled_exports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Whose permissions the export runs with.
    pub created_by: Option<Uuid>,
    pub name: String,
    pub entity: String,
    pub format: String,
    /// The list's query string.
    pub filters: String,
    /// The schedule as JSON (`kite_shared::scheduled_exports::Schedule`).
    pub schedule: String,
    /// A JSON array of email addresses.
    pub recipients: String,
    pub enabled: bool,
    pub next_run_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
