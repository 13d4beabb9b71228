use sea_orm::entity::prelude::*;

/// Something that changed in an organization's data, kept until every subscriber has
/// been handed it (`dispatched_at`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "domain_events")]
pub struct Model {
    /// UUIDv7: ordered by creation.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// `contact.updated`, `deal.stage_changed`, …
    pub kind: String,
    pub entity_type: String,
    pub entity_id: Option<Uuid>,
    pub actor_user_id: Option<Uuid>,
    /// JSON: the record as it is after the change (before it, for a deletion).
    pub payload: String,
    pub created_at: DateTimeUtc,
    pub dispatched_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
