use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when every dependency answers, `degraded` otherwise.
    pub status: String,
    /// `ok`, or `unavailable` when the database does not answer (the reason is logged,
    /// never shown to callers).
    pub database: String,
    /// `sqlite` or `postgres`.
    pub database_backend: String,
    pub version: String,
}

/// Whether this instance should get traffic (`/api/v1/ready`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// `ready` when every check passes, `not_ready` otherwise.
    pub status: String,
    /// `ok` or `unavailable`.
    pub database: String,
    /// `applied`, `pending` (this binary has migrations the database lacks) or `unknown`.
    pub migrations: String,
    /// `running`, `stopped`, or `disabled` on an instance started with `KITE_WORKERS=0`.
    pub workers: String,
}
