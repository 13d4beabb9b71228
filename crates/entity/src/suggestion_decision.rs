use sea_orm::entity::prelude::*;

/// What a user did with one suggestion; it is not offered to them again (until `until`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suggestion_decisions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub key: String,
    /// `dismissed`, `snoozed` or `task_created`.
    pub decision: String,
    pub until: Option<DateTimeUtc>,
    pub decided_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
