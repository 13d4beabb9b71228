use sea_orm::entity::prelude::*;

/// One send of a template to an audience.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "campaigns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    pub template_id: Uuid,
    /// The template's subject and body, copied when sending starts.
    pub subject: Option<String>,
    pub body_html: Option<String>,
    /// JSON `Audience`.
    pub audience: String,
    pub sender_user_id: Uuid,
    /// `draft`, `scheduled`, `sending`, `paused`, `sent` or `cancelled`.
    pub status: String,
    pub scheduled_at: Option<DateTimeUtc>,
    pub rate_per_minute: i32,
    /// Emails made when sending started (one per reachable contact).
    pub recipient_count: i32,
    /// JSON `Exclusions`: the contacts left out, by reason.
    pub excluded: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
