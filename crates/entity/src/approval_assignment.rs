use sea_orm::entity::prelude::*;

/// One approver's say in one step of a request.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approval_assignments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub request_id: Uuid,
    pub step_id: Uuid,
    pub user_id: Uuid,
    /// None until they decide: `approved` or `rejected`.
    pub decision: Option<String>,
    pub comment: Option<String>,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
