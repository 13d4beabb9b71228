use sea_orm::entity::prelude::*;

/// A tag on one contact, company or deal.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "record_tags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tag_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub record_id: Uuid,
    pub organization_id: Uuid,
    /// `contact`, `company` or `deal`.
    pub record_kind: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
