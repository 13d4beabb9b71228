use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "deals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub title: String,
    pub value_minor: i64,
    pub currency: String,
    pub pipeline_id: Uuid,
    pub stage_id: Uuid,
    pub position: f64,
    pub probability: i32,
    /// Percent off the list price, which approval workflows may guard.
    pub discount_percent: Option<i32>,
    pub expected_close: Option<Date>,
    pub owner_id: Option<Uuid>,
    pub company_id: Option<Uuid>,
    /// `open`, `won` or `lost`.
    pub status: String,
    pub lost_reason: Option<String>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// The import that created the record, if one did.
    pub import_id: Option<Uuid>,
    /// 0–100, written by the scorer only (never by an edit, so never audited).
    pub score: Option<i32>,
    /// JSON of kite_shared's `RecordScore`.
    pub score_detail: Option<String>,
    pub scored_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
