use sea_orm::entity::prelude::*;

/// Something that happened to an email: an open or click Kite tracked, or an event the
/// provider reported (delivered, bounce, spam report…).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email_id: Uuid,
    pub kind: String,
    /// `tracking` or `sendgrid`.
    pub source: String,
    /// The provider's own id (`sg_event_id`): an event delivered twice is kept once.
    pub provider_event_id: Option<String>,
    /// The link clicked.
    pub url: Option<String>,
    pub detail: Option<String>,
    pub occurred_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
