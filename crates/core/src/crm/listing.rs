//! What every CRM list shares: paging, a sort whitelist, and the cached total.

use crate::paging::PageRequest;
use crate::{CoreError, Kite};
use kite_shared::FieldError;
use kite_shared::crm::list::Sort;
use kite_shared::page::Page;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Select};
use uuid::Uuid;

/// Resolves `sort` against the columns a list may be sorted by.
pub fn sort_column<C: Copy>(sort: &Sort, allowed: &[(&str, C)]) -> Result<C, CoreError> {
    allowed
        .iter()
        .find(|(name, _)| *name == sort.column)
        .map(|(_, column)| *column)
        .ok_or_else(|| {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            CoreError::Validation(vec![FieldError::new(
                "sort",
                "unknown_column",
                format!("Sort by one of: {}.", names.join(", ")),
            )])
        })
}

/// Runs a filtered select as one page, with the total from the cache when it has one.
#[allow(clippy::too_many_arguments)]
pub async fn page<E>(
    kite: &Kite,
    conn: &impl ConnectionTrait,
    organization: Uuid,
    kind: &'static str,
    filter_key: String,
    select: Select<E>,
    order: (E::Column, bool),
    tiebreak: E::Column,
    paging: PageRequest,
) -> Result<Page<E::Model>, CoreError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let counted = select.clone();
    let total = kite
        .counts
        .count_once(
            organization,
            kind,
            filter_key,
            || async move { counted.count(conn).await },
        )
        .await?;
    let (column, descending) = order;
    let ordered = if descending {
        select.order_by_desc(column).order_by_desc(tiebreak)
    } else {
        select.order_by_asc(column).order_by_asc(tiebreak)
    };
    let items = ordered.offset(paging.offset()).limit(paging.per_page).all(conn).await?;
    Ok(Page {
        items,
        total,
        page: paging.page,
        per_page: paging.per_page,
    })
}
