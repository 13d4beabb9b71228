//! The one pagination shape of the API.

use serde::{Deserialize, Serialize};

/// A page of a list. `total` counts every row matching the filters.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;

/// Clamps what a client asked for to what the server serves.
pub fn clamp_per_page(requested: Option<u64>) -> u64 {
    requested.unwrap_or(DEFAULT_PER_PAGE).clamp(1, MAX_PER_PAGE)
}
