use sea_orm::entity::prelude::*;

/// One training of an organization's scoring model for contacts or deals; the highest
/// version of a subject is the one in use.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "score_models")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    /// `contact` or `deal`.
    pub subject: String,
    pub version: i32,
    /// `model` or `rules`.
    pub method: String,
    /// Why rules are used, when they are.
    pub note: Option<String>,
    pub rows_used: i32,
    pub won: i32,
    pub lost: i32,
    /// JSON of kite_shared's `ModelMetrics`.
    pub metrics: Option<String>,
    /// JSON of what scoring uses: the norms, and the fitted model unless rules score.
    pub parameters: String,
    pub scored: i32,
    pub training_ms: i64,
    pub trained_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
