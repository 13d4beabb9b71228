use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when every dependency answers, `degraded` otherwise.
    pub status: String,
    /// `ok` or the database error.
    pub database: String,
    /// `sqlite` or `postgres`.
    pub database_backend: String,
    pub version: String,
}
