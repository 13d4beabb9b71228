use sea_orm::entity::prelude::*;

/// One step of a sequence: an email, a wait or a task; `kind` says which fields apply.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sequence_steps")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub sequence_id: Uuid,
    /// From 0, without gaps.
    pub position: i32,
    /// `email`, `wait` or `task`.
    pub kind: String,
    pub template_id: Option<Uuid>,
    pub wait_amount: Option<i32>,
    /// `hours` or `days`.
    pub wait_unit: Option<String>,
    pub business_days: bool,
    /// An activity kind.
    pub task_kind: Option<String>,
    pub task_title: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
