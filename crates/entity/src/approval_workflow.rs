use sea_orm::entity::prelude::*;

/// Which deal moves need whose sign-off. Its steps are kept whole, as the editor saves
/// them; a request copies them into rows of its own.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "approval_workflows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub active: bool,
    /// Lower runs first.
    pub priority: i32,
    pub pipeline_id: Uuid,
    /// The trigger: a deal entering this stage.
    pub stage_id: Uuid,
    pub min_value_minor: Option<i64>,
    pub min_value_currency: Option<String>,
    pub min_discount_percent: Option<i32>,
    /// JSON list of role names; empty: any owner.
    pub owner_roles: String,
    /// JSON list of `ApprovalStep`.
    pub steps: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
