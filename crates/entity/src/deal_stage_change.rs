use sea_orm::entity::prelude::*;

/// One move of a deal between stages; never edited, the base of velocity analytics.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "deal_stage_history")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub deal_id: Uuid,
    /// None for the stage a deal was created in.
    pub from_stage_id: Option<Uuid>,
    pub to_stage_id: Uuid,
    pub moved_by: Option<Uuid>,
    pub moved_at: DateTimeUtc,
    /// When the deal had entered `from_stage_id`: the stay this move ends began then.
    pub entered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
