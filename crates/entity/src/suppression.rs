use sea_orm::entity::prelude::*;

/// An address the organization never emails again (unsubscribed, bounced, marked as
/// spam, or entered by hand).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "suppressions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// Lower-case.
    pub email: String,
    /// `unsubscribe`, `bounce`, `spam_report` or `manual`.
    pub reason: String,
    pub detail: Option<String>,
    /// The email that led to it, if one did.
    pub email_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
