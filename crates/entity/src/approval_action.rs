use sea_orm::entity::prelude::*;

/// One line of a request's trail, shown on the request page and the deal's timeline.
/// Never edited.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approval_actions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub request_id: Uuid,
    pub deal_id: Uuid,
    /// None for what Kite did itself (a reminder).
    pub actor_user_id: Option<Uuid>,
    /// `requested`, `approved`, `rejected`, `commented`, `withdrawn`, `reassigned`,
    /// `voided`, `applied` or `reminded`.
    pub action: String,
    /// 1-based position of the step it concerns.
    pub step: Option<i32>,
    pub comment: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
