use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    /// JSON array of addresses, as text so that it can be searched with LIKE on both databases.
    pub to_addresses: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub category: String,
    /// JSON array of {filename, content_type, content_base64}.
    pub attachments: Json,
    /// The key of the email this message stands for, so a retried send finds it.
    pub idempotency_key: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
