//! Keyset paging, the one way every list is cut into pages. A page is the rows that come
//! after the previous page's last row in the list's order (sort column, then id), read
//! with a range condition the list's index answers. An OFFSET would re-read every
//! earlier row on each page, and skip or repeat rows when others are added or removed
//! between two pages.
//!
//! NULLs of a sort column come last in both directions, on both databases (SQLite
//! sorts them first, PostgreSQL last when ascending and first when descending). A page
//! over a nullable column reads the rows that have a value first, then those without,
//! each as its own indexable range, so neither database is asked for `NULLS LAST`.

use crate::{CoreError, Kite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use kite_shared::FieldError;
use kite_shared::crm::list::Sort;
use kite_shared::page::{Page, PageQuery};
use sea_orm::sea_query::{Condition, ValueType};
use sea_orm::{
    ColumnTrait, ColumnType, ConnectionTrait, EntityTrait, ModelTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select, Value,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longer than any cursor Kite makes; refused before it is decoded.
const MAX_CURSOR_CHARS: usize = 1024;

/// A validated request for one page.
#[derive(Clone, Debug)]
pub(crate) struct PageRequest {
    pub cursor: Option<String>,
    pub per_page: u64,
    pub with_total: bool,
}

impl PageRequest {
    pub fn parse(query: &PageQuery) -> Result<Self, CoreError> {
        Ok(Self {
            cursor: query.cursor.clone(),
            per_page: query.per_page().map_err(|e| CoreError::Validation(vec![e]))?,
            with_total: query.wants_total(),
        })
    }

    /// A page of any size and without a total, for the server's own walks through a
    /// whole list (exports).
    pub fn walk(cursor: Option<String>, per_page: u64) -> Self {
        Self {
            cursor,
            per_page,
            with_total: false,
        }
    }
}

pub(crate) fn invalid_cursor() -> CoreError {
    CoreError::field(
        "cursor",
        "invalid_cursor",
        "This cursor is not one Kite made for this list. Start again from the first page.",
    )
}

fn foreign_cursor() -> CoreError {
    CoreError::field(
        "cursor",
        "cursor_mismatch",
        "This cursor continues another list or another sort order. Start again from the first page.",
    )
}

/// What a cursor carries: the list and order it continues, and the last row's sort
/// value and id. Clients see base64url of its JSON and treat it as opaque.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CursorBody {
    list: String,
    sort: String,
    value: serde_json::Value,
    id: Uuid,
}

/// Where the previous page ended: its last row's sort value and id.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cursor {
    pub value: serde_json::Value,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self, list: &str, sort: &str) -> Result<String, CoreError> {
        let body = CursorBody {
            list: list.to_owned(),
            sort: sort.to_owned(),
            value: self.value.clone(),
            id: self.id,
        };
        let json = serde_json::to_vec(&body).map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok(URL_SAFE_NO_PAD.encode(json))
    }

    /// The cursor in `raw`, if Kite made it for `list` in the order `sort`.
    pub fn decode(raw: &str, list: &str, sort: &str) -> Result<Cursor, CoreError> {
        if raw.len() > MAX_CURSOR_CHARS {
            return Err(invalid_cursor());
        }
        let body: CursorBody = URL_SAFE_NO_PAD
            .decode(raw.trim())
            .ok()
            .and_then(|json| serde_json::from_slice(&json).ok())
            .ok_or_else(invalid_cursor)?;
        if body.list != list || body.sort != sort {
            return Err(foreign_cursor());
        }
        Ok(Cursor {
            value: body.value,
            id: body.id,
        })
    }
}

/// A page of `per_page` rows out of up to `per_page + 1` read, and the cursor after its
/// last row when the extra row shows that more follow.
pub(crate) fn cut<T>(
    mut rows: Vec<T>,
    per_page: u64,
    cursor_after: impl Fn(&T) -> Result<String, CoreError>,
) -> Result<(Vec<T>, Option<String>), CoreError> {
    let keep = usize::try_from(per_page).unwrap_or(usize::MAX);
    if rows.len() <= keep {
        return Ok((rows, None));
    }
    rows.truncate(keep);
    let next = rows.last().map(cursor_after).transpose()?;
    Ok((rows, next))
}

/// How values of a sort column are written into a cursor and read back out of one.
#[derive(Clone, Copy, Debug)]
enum ValueKind {
    Text,
    Time,
    Date,
    Int,
    BigInt,
}

impl ValueKind {
    fn of(column_type: &ColumnType) -> Option<ValueKind> {
        Some(match column_type {
            ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => ValueKind::Text,
            ColumnType::TimestampWithTimeZone => ValueKind::Time,
            ColumnType::Date => ValueKind::Date,
            ColumnType::Integer | ColumnType::SmallInteger => ValueKind::Int,
            ColumnType::BigInteger => ValueKind::BigInt,
            _ => return None,
        })
    }

    fn to_json(self, value: Value) -> Result<serde_json::Value, CoreError> {
        let unexpected = |_| CoreError::Internal("a sort column read back with another type".into());
        Ok(match self {
            ValueKind::Text => serde_json::json!(<Option<String> as ValueType>::try_from(value).map_err(unexpected)?),
            ValueKind::Time => serde_json::json!(
                <Option<DateTime<Utc>> as ValueType>::try_from(value)
                    .map_err(unexpected)?
                    .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
            ),
            ValueKind::Date => serde_json::json!(
                <Option<NaiveDate> as ValueType>::try_from(value)
                    .map_err(unexpected)?
                    .map(|d| d.to_string())
            ),
            ValueKind::Int => serde_json::json!(<Option<i32> as ValueType>::try_from(value).map_err(unexpected)?),
            ValueKind::BigInt => serde_json::json!(<Option<i64> as ValueType>::try_from(value).map_err(unexpected)?),
        })
    }

    /// The value a cursor names, `Some(None)` for NULL; `None` when it cannot be one of
    /// this column's values (the cursor was altered).
    fn value_of(self, json: &serde_json::Value) -> Option<Option<Value>> {
        if json.is_null() {
            return Some(None);
        }
        Some(Some(match self {
            ValueKind::Text => Value::from(json.as_str()?.to_owned()),
            ValueKind::Time => Value::from(DateTime::parse_from_rfc3339(json.as_str()?).ok()?.with_timezone(&Utc)),
            ValueKind::Date => Value::from(json.as_str()?.parse::<NaiveDate>().ok()?),
            ValueKind::Int => Value::from(<i32 as TryFrom<i64>>::try_from(json.as_i64()?).ok()?),
            ValueKind::BigInt => Value::from(json.as_i64()?),
        }))
    }
}

/// The order of a list: one column and a direction, then the id in the same direction so
/// that rows with equal values still have one fixed order.
pub(crate) struct Ordering<E: EntityTrait> {
    /// Which list, so that a cursor of another list is refused.
    list: &'static str,
    /// The order as the API names it (`name`, `-created_at`), so that a cursor made for
    /// another order is refused.
    sort: String,
    column: E::Column,
    id: E::Column,
    descending: bool,
    nullable: bool,
    kind: ValueKind,
}

impl<E: EntityTrait> Ordering<E> {
    /// The order a client asked for with `sort` (`-` in front for descending), from the
    /// columns the list allows; `default` when it asked for none.
    pub fn parse(
        list: &'static str,
        requested: Option<&str>,
        default: &str,
        allowed: &[(&str, E::Column)],
        id: E::Column,
    ) -> Result<Self, CoreError> {
        let sort = Sort::parse(requested, default);
        let column = allowed
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
            })?;
        Self::fixed(list, &sort.column, column, sort.descending, id)
    }

    /// The one order of a list that cannot be sorted otherwise.
    pub fn fixed(
        list: &'static str,
        name: &str,
        column: E::Column,
        descending: bool,
        id: E::Column,
    ) -> Result<Self, CoreError> {
        let def = column.def();
        let kind = ValueKind::of(def.get_column_type())
            .ok_or_else(|| CoreError::Internal(format!("{list} cannot be paged by `{name}`")))?;
        Ok(Self {
            list,
            sort: if descending {
                format!("-{name}")
            } else {
                name.to_owned()
            },
            column,
            id,
            descending,
            nullable: def.is_null(),
            kind,
        })
    }

    fn direction(&self) -> Order {
        if self.descending { Order::Desc } else { Order::Asc }
    }

    /// `id` comes after `id0` in this order.
    fn id_after(&self, id0: Uuid) -> sea_orm::sea_query::SimpleExpr {
        if self.descending {
            self.id.lt(id0)
        } else {
            self.id.gt(id0)
        }
    }

    /// Rows with a value that come after (`value`, `id0`): further in the column's
    /// order, or equal and further by id. The first half alone is an index range.
    fn after_value(&self, value: Value, id0: Uuid) -> Condition {
        let (from, beyond) = if self.descending {
            (self.column.lte(value.clone()), self.column.lt(value))
        } else {
            (self.column.gte(value.clone()), self.column.gt(value))
        };
        Condition::all()
            .add(from)
            .add(Condition::any().add(beyond).add(self.id_after(id0)))
    }

    fn decode(&self, raw: &str) -> Result<(Option<Value>, Uuid), CoreError> {
        let cursor = Cursor::decode(raw, self.list, &self.sort)?;
        match self.kind.value_of(&cursor.value) {
            Some(None) if !self.nullable => Err(invalid_cursor()),
            Some(value) => Ok((value, cursor.id)),
            None => Err(invalid_cursor()),
        }
    }

    fn cursor_after(&self, row: &E::Model) -> Result<String, CoreError> {
        let id = <Uuid as ValueType>::try_from(row.get(self.id))
            .map_err(|_| CoreError::Internal(format!("{} ids are not uuids", self.list)))?;
        Cursor {
            value: self.kind.to_json(row.get(self.column))?,
            id,
        }
        .encode(self.list, &self.sort)
    }

    /// Up to `limit` rows of `select` after the cursor's position (from the start
    /// without one), in this order.
    async fn seek(
        &self,
        conn: &impl ConnectionTrait,
        select: Select<E>,
        after: Option<(Option<Value>, Uuid)>,
        limit: u64,
    ) -> Result<Vec<E::Model>, CoreError> {
        let by_id = |select: Select<E>| select.order_by(self.id, self.direction());
        let valued = |select: Select<E>| by_id(select.order_by(self.column, self.direction()));
        if !self.nullable {
            let select = match after {
                Some((Some(value), id0)) => select.filter(self.after_value(value, id0)),
                Some((None, _)) => return Err(invalid_cursor()),
                None => select,
            };
            return Ok(valued(select).limit(limit).all(conn).await?);
        }
        let (mut rows, nulls_after) = match after {
            // The cursor is among the NULLs: every row with a value came before it.
            Some((None, id0)) => (Vec::new(), Some(id0)),
            Some((Some(value), id0)) => {
                let select = select.clone().filter(self.column.is_not_null());
                let select = select.filter(self.after_value(value, id0));
                (valued(select).limit(limit).all(conn).await?, None)
            }
            None => {
                let select = select.clone().filter(self.column.is_not_null());
                (valued(select).limit(limit).all(conn).await?, None)
            }
        };
        let missing = limit.saturating_sub(rows.len() as u64);
        if missing > 0 {
            let mut nulls = select.filter(self.column.is_null());
            if let Some(id0) = nulls_after {
                nulls = nulls.filter(self.id_after(id0));
            }
            rows.extend(by_id(nulls).limit(missing).all(conn).await?);
        }
        Ok(rows)
    }
}

/// How a list's `total` is found.
pub(crate) enum Total {
    /// Counted on every request that asks for it.
    Exact,
    /// Kept in the cache of totals ([`crate::crm::CountCache`]), which writes to
    /// `kind` make stale; for the big record lists.
    Cached {
        organization: Uuid,
        kind: &'static str,
        filter: String,
    },
}

/// One page of `select` in `order`, with its total when the request asks for it.
pub(crate) async fn page<E>(
    kite: &Kite,
    select: Select<E>,
    order: &Ordering<E>,
    request: &PageRequest,
    total: Total,
) -> Result<Page<E::Model>, CoreError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let after = request.cursor.as_deref().map(|raw| order.decode(raw)).transpose()?;
    let total = count(kite, &select, request, total).await?;
    let rows = order
        .seek(&kite.db, select, after, request.per_page.saturating_add(1))
        .await?;
    let (items, next_cursor) = cut(rows, request.per_page, |row| order.cursor_after(row))?;
    Ok(Page {
        items,
        next_cursor,
        total,
    })
}

/// The total of `select` when the request asks for it.
pub(crate) async fn count<E>(
    kite: &Kite,
    select: &Select<E>,
    request: &PageRequest,
    total: Total,
) -> Result<Option<u64>, CoreError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    Ok(match (request.with_total, total) {
        (false, _) => None,
        (true, Total::Exact) => Some(select.clone().count(&kite.db).await?),
        (
            true,
            Total::Cached {
                organization,
                kind,
                filter,
            },
        ) => {
            let counted = select.clone();
            Some(
                kite.counts
                    .count_once(
                        organization,
                        kind,
                        filter,
                        || async move { counted.count(&kite.db).await },
                    )
                    .await?,
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_for_its_own_list_and_sort() {
        let cursor = Cursor {
            value: serde_json::json!("Lovelace"),
            id: Uuid::now_v7(),
        };
        let raw = cursor.encode("contacts", "last_name").expect("encoded");
        assert_eq!(Cursor::decode(&raw, "contacts", "last_name").ok(), Some(cursor));
        for (list, sort) in [("contacts", "-last_name"), ("companies", "last_name")] {
            let refused = Cursor::decode(&raw, list, sort).err();
            assert!(
                matches!(&refused, Some(CoreError::Validation(e)) if e[0].field == "cursor" && e[0].code == "cursor_mismatch"),
                "{refused:?}"
            );
        }
    }

    #[test]
    fn garbage_is_an_invalid_cursor_not_a_panic() {
        let not_json = URL_SAFE_NO_PAD.encode(b"{not json");
        let long = "A".repeat(MAX_CURSOR_CHARS + 1);
        for raw in ["", "%%%", "not-base64!", not_json.as_str(), long.as_str()] {
            let refused = Cursor::decode(raw, "contacts", "last_name").err();
            assert!(
                matches!(&refused, Some(CoreError::Validation(e)) if e[0].field == "cursor" && e[0].code == "invalid_cursor"),
                "{raw}: {refused:?}"
            );
        }
    }

    #[test]
    fn sort_values_survive_the_trip_through_a_cursor() {
        let at = Utc::now();
        let cases = [
            (ValueKind::Text, Value::from("Ada".to_owned())),
            (ValueKind::Time, Value::from(at)),
            (ValueKind::Date, Value::from(at.date_naive())),
            (ValueKind::Int, Value::from(42i32)),
            (ValueKind::BigInt, Value::from(-7i64)),
            (ValueKind::Text, Value::from(None::<String>)),
        ];
        for (kind, value) in cases {
            let json = kind.to_json(value.clone()).expect("json");
            let back = kind.value_of(&json).expect("a value of the kind");
            match back {
                Some(back) => assert_eq!(back, value, "{kind:?}"),
                None => assert!(json.is_null()),
            }
        }
        assert_eq!(ValueKind::Time.value_of(&serde_json::json!(12)), None);
        assert_eq!(ValueKind::Int.value_of(&serde_json::json!("12")), None);
    }
}
