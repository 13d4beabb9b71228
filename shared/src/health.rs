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
