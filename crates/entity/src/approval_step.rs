use sea_orm::entity::prelude::*;

/// One step of a request, copied from its workflow when the request was made.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approval_steps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub request_id: Uuid,
    /// 1-based.
    pub position: i32,
    pub name: String,
    /// `any` or `all`.
    pub mode: String,
    /// `waiting`, `active`, `approved`, `rejected` or `closed`.
    pub status: String,
    pub due_hours: Option<i32>,
    pub started_at: Option<DateTimeUtc>,
    pub due_at: Option<DateTimeUtc>,
    /// When its approvers were reminded that it is overdue (once).
    pub reminded_at: Option<DateTimeUtc>,
    pub completed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
