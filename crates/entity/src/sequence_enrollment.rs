use sea_orm::entity::prelude::*;

/// One contact's way through a sequence.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sequence_enrollments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub sequence_id: Uuid,
    pub contact_id: Uuid,
    pub deal_id: Option<Uuid>,
    /// `active`, `paused`, `finished` or `exited`.
    pub state: String,
    pub exit_reason: Option<String>,
    /// The position of the step it runs next.
    pub current_step: i32,
    /// When that step is due; none once it has ended.
    pub next_step_at: Option<DateTimeUtc>,
    pub enrolled_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
