use kite_shared::page::clamp_per_page;

/// A validated page request: 1-based page number and a bounded page size.
pub(crate) struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1).max(1),
            per_page: clamp_per_page(per_page),
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}
