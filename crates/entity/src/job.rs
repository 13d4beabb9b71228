use sea_orm::entity::prelude::*;

/// One piece of background work. Claimed by setting `worker_id` and a lease; a lease
/// that runs out lets another worker take the job over.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    pub kind: String,
    /// JSON the job's handler reads.
    pub payload: String,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    /// When a queued job may start (later for retries).
    pub run_at: DateTimeUtc,
    pub lease_until: Option<DateTimeUtc>,
    pub worker_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    /// JSON the handler returned.
    pub result: Option<String>,
    pub last_error: Option<String>,
    pub cancel_requested: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
