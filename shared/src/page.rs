//! The one pagination shape of the API: every list takes a [`PageQuery`] and answers a
//! [`Page`]. Pages are cut after the last row's sort value and id (keyset paging), not
//! at an offset, so rows added or removed while a client pages never make it skip or
//! repeat one.

use crate::FieldError;
use serde::{Deserialize, Serialize};

pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 200;

/// One page of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Every row matching the filters, over all pages; null when asked with
    /// `total=false`, and on record timelines, which are not counted.
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// The same page with its items turned into another type.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
            total: self.total,
        }
    }
}

/// The paging part of every list's query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page; without it, the first page. A cursor only
    /// continues the list and `sort` it was made for; any other is refused (422, field
    /// `cursor`).
    #[serde(default)]
    pub cursor: Option<String>,
    /// Rows per page: 1 to 200 (the maximum; more is refused with a 422 naming
    /// `per_page`, never silently cut). Default 50.
    #[serde(default)]
    pub per_page: Option<u64>,
    /// `false` leaves `total` out, which spares the server a count. Default `true`.
    #[serde(default)]
    pub total: Option<bool>,
}

/// The query keys of [`PageQuery`], which a list's own filters may not use.
pub const PAGE_KEYS: [&str; 3] = ["cursor", "per_page", "total"];

impl PageQuery {
    pub fn first(per_page: u64) -> Self {
        Self {
            per_page: Some(per_page),
            ..Self::default()
        }
    }

    /// The page size asked for, or the errors that name `per_page`.
    pub fn per_page(&self) -> Result<u64, FieldError> {
        match self.per_page.unwrap_or(DEFAULT_PER_PAGE) {
            0 => Err(FieldError::new(
                "per_page",
                "too_small",
                "Ask for at least 1 row per page.",
            )),
            n if n > MAX_PER_PAGE => Err(FieldError::new(
                "per_page",
                "too_large",
                format!("At most {MAX_PER_PAGE} rows per page; follow `next_cursor` for more."),
            )),
            n => Ok(n),
        }
    }

    pub fn wants_total(&self) -> bool {
        self.total.unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_sizes_outside_one_to_the_maximum_name_per_page() {
        assert_eq!(PageQuery::default().per_page(), Ok(DEFAULT_PER_PAGE));
        assert_eq!(PageQuery::first(MAX_PER_PAGE).per_page(), Ok(MAX_PER_PAGE));
        for refused in [0, MAX_PER_PAGE + 1, u64::MAX] {
            let error = PageQuery::first(refused).per_page().err().map(|e| e.field);
            assert_eq!(error.as_deref(), Some("per_page"), "{refused}");
        }
    }

    #[test]
    fn the_total_is_counted_unless_declined() {
        assert!(PageQuery::default().wants_total());
        let declined = PageQuery {
            total: Some(false),
            ..PageQuery::default()
        };
        assert!(!declined.wants_total());
    }
}
