use sea_orm::entity::prelude::*;

/// A held move of a deal, waiting for (or done with) its sign-off.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approval_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub workflow_id: Uuid,
    /// The workflow's name when the request was made.
    pub workflow_name: String,
    pub deal_id: Uuid,
    pub requested_by: Option<Uuid>,
    /// `pending`, `approved`, `rejected`, `withdrawn` or `voided`.
    pub status: String,
    /// 1-based position of the step deciding now (the last one reached once closed).
    pub current_step: i32,
    pub step_count: i32,
    /// JSON `ApprovalSnapshot`: the deal as it was when the move was asked for.
    pub snapshot: String,
    pub created_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
