//! The lists of contacts, companies and deals, written once over [`RecordList`]: each
//! kind says which filters it has, which columns it may be sorted by and how its rows
//! become DTOs; paging, the sort whitelist and the cached total are here. Exports walk
//! the same list, so a download is always the list on screen.

use super::custom_fields::entity_of;
use super::custom_fields::sorting::CustomSort;
use super::records::{self, CrmEntity};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use kite_shared::Permission;
use kite_shared::page::Page;
use sea_orm::{ColumnTrait, DatabaseConnection, QueryFilter, Select};
use std::future::Future;

pub(crate) trait RecordList: CrmEntity {
    type Query: Sync;
    type Dto: Send;
    /// The order when the query names none, in the API's form (`-created_at`).
    const DEFAULT_SORT: &'static str;
    /// The columns `sort` may name, by their API names.
    const SORTS: &'static [(&'static str, Self::Column)];

    fn sort(query: &Self::Query) -> Option<&str>;

    /// `select` narrowed by the query's filters, and a key that names those filters in
    /// the cache of totals.
    fn filter(
        kite: &Kite,
        ctx: &Ctx,
        query: &Self::Query,
        select: Select<Self>,
    ) -> impl Future<Output = Result<(Select<Self>, String), CoreError>> + Send;

    /// The page's rows as the API shows them (with their tags, their company's name…).
    fn dtos(
        conn: &DatabaseConnection,
        rows: Vec<Self::Model>,
    ) -> impl Future<Output = Result<Vec<Self::Dto>, CoreError>> + Send;
}

/// One page of the organization's live records of kind `E` that match `query`.
pub(crate) async fn list<E: RecordList>(
    kite: &Kite,
    ctx: &Ctx,
    query: &E::Query,
    request: &PageRequest,
) -> Result<Page<E::Dto>, CoreError> {
    ctx.require(Permission::ReadRecords)?;
    let list = E::KIND.plural();
    let organization = ctx.organization_id.into_uuid();
    let custom_sort = CustomSort::parse(&kite.db, organization, entity_of(E::KIND), list, E::sort(query)).await?;
    let order = match custom_sort {
        Some(_) => None,
        None => Some(Ordering::parse(
            list,
            E::sort(query),
            E::DEFAULT_SORT,
            E::SORTS,
            E::id_col(),
        )?),
    };
    let (select, filter) = E::filter(kite, ctx, query, records::live::<E>(ctx)).await?;
    let total = Total::Cached {
        organization,
        kind: list,
        filter,
    };
    let rows = match (&custom_sort, &order) {
        (Some(sort), _) => sort.page(kite, select, request, total).await?,
        (None, Some(order)) => paging::page(kite, select, order, request, total).await?,
        (None, None) => return Err(CoreError::Internal("a list without an order".into())),
    };
    Ok(Page {
        items: E::dtos(&kite.db, rows.items).await?,
        next_cursor: rows.next_cursor,
        total: rows.total,
    })
}

/// `select` narrowed to scores from `min` to `max` (both 0–100, either open), refused
/// with the field at fault when a bound is off the scale or the range is empty.
pub(crate) fn score_range<E: sea_orm::EntityTrait>(
    select: Select<E>,
    column: E::Column,
    min: Option<i32>,
    max: Option<i32>,
) -> Result<Select<E>, CoreError> {
    for (field, bound) in [("min_score", min), ("max_score", max)] {
        if bound.is_some_and(|b| !(0..=100).contains(&b)) {
            return Err(CoreError::field(field, "out_of_range", "Scores run from 0 to 100."));
        }
    }
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(CoreError::field(
            "max_score",
            "before_min",
            "The highest score must not be below the lowest.",
        ));
    }
    let select = match min {
        Some(min) => select.filter(column.gte(min)),
        None => select,
    };
    Ok(match max {
        Some(max) => select.filter(column.lte(max)),
        None => select,
    })
}
