use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// `call`, `email`, `meeting`, `task` or `note`.
    pub kind: String,
    pub subject: String,
    pub body: Option<String>,
    pub due_at: Option<DateTimeUtc>,
    pub done_at: Option<DateTimeUtc>,
    pub owner_id: Option<Uuid>,
    pub contact_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    pub deal_id: Option<Uuid>,
    /// The end of a meeting or call; none for a point in time (a task's due time).
    pub ends_at: Option<DateTimeUtc>,
    /// A whole day (or days): `due_at` is the first day's midnight UTC, `ends_at` the
    /// midnight after the last day.
    pub all_day: bool,
    pub location: Option<String>,
    /// The IANA zone the event was planned in, so feeds and invitations keep 10:00 at
    /// 10:00 across daylight saving.
    pub time_zone: Option<String>,
    pub reminder_minutes: Option<i32>,
    /// `due_at` minus `reminder_minutes`.
    pub remind_at: Option<DateTimeUtc>,
    pub reminded_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
