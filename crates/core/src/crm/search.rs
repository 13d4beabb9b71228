//! The search box: contacts, companies and deals whose first name, last name, email,
//! phone, name, domain or title starts with the query. Prefix matching on
//! `lower(column)` uses the expression indexes of the search migrations on both
//! databases; a substring match would read every row of a 100k-record table.
//!
//! Hits come a kind at a time (contacts, companies, deals); within a kind, a column at a
//! time (a contact whose first name matches comes before one whose only match is the
//! last name), and within a column alphabetically, then by id. Each column's hits are
//! one walk of its `(organization_id, lower(column), id)` index, so a page reads as many
//! index entries as it shows, however many thousand records share the prefix. Pages
//! are cut like every list (see [`crate::paging`]).

use super::records::CrmEntity;
use crate::paging::{self, Cursor, PageRequest, invalid_cursor};
use crate::{CoreError, Ctx, Kite};
use kite_entity::{company, contact, deal};
use kite_shared::Permission;
use kite_shared::crm::money::format_money;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::search::{SearchHit, SearchQuery};
use kite_shared::page::{Page, PageQuery};
use sea_orm::sea_query::{Condition, Expr, Func, SimpleExpr};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, ExprTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder,
    QueryResult, QuerySelect, Select,
};
use uuid::Uuid;

/// The cursor's list and order: hits by kind, matching column, lower-cased value, id.
const LIST: &str = "search";
const SORT: &str = "kind,column,value";
const KINDS: [RecordKind; 3] = [RecordKind::Contact, RecordKind::Company, RecordKind::Deal];

const CONTACT_COLUMNS: [contact::Column; 4] = [
    contact::Column::FirstName,
    contact::Column::LastName,
    contact::Column::Email,
    contact::Column::Phone,
];
const COMPANY_COLUMNS: [company::Column; 3] = [company::Column::Name, company::Column::Domain, company::Column::Phone];
const DEAL_COLUMNS: [deal::Column; 1] = [deal::Column::Title];

/// The name under which a hit's `lower(column)` is read back, for the next page's cursor.
const KEY: &str = "search_key";

fn lower<C: ColumnTrait>(column: C) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column)))
}

/// `lower(column)` in `[q, q+)`: the strings that start with `q`, as an index range.
fn starts_with<C: ColumnTrait>(column: C, q: &str) -> Condition {
    let mut upper: Vec<char> = q.chars().collect();
    let next = upper.last().and_then(|c| char::from_u32(*c as u32 + 1));
    let condition = Condition::all().add(lower(column).gte(q.to_owned()));
    match (upper.last_mut(), next) {
        (Some(last), Some(next)) => {
            *last = next;
            condition.add(lower(column).lt(upper.into_iter().collect::<String>()))
        }
        _ => condition,
    }
}

/// The live records of the organization.
fn live<E: CrmEntity>(organization: Uuid) -> Select<E> {
    E::find()
        .filter(E::organization_col().eq(organization))
        .filter(E::deleted_col().is_null())
}

/// The live records of one kind that start with `q` (lower case) in any of `columns`.
/// Each alternative of the OR carries the tenant condition itself, so that both
/// databases answer every alternative from its own `(organization_id, lower(..))` index
/// and merge the results, instead of reading the whole table.
fn matches<E: CrmEntity>(organization: Uuid, q: &str, columns: &[E::Column]) -> Select<E> {
    let any = columns.iter().fold(Condition::any(), |any, column| {
        any.add(
            Condition::all()
                .add(E::organization_col().eq(organization))
                .add(starts_with(*column, q)),
        )
    });
    live::<E>(organization).filter(any)
}

/// A record read with the lower-cased value of the column it matched on.
struct Keyed<M> {
    model: M,
    key: String,
}

impl<M: FromQueryResult> FromQueryResult for Keyed<M> {
    fn from_query_result(row: &QueryResult, prefix: &str) -> Result<Self, DbErr> {
        Ok(Self {
            model: M::from_query_result(row, prefix)?,
            key: row.try_get(prefix, KEY)?,
        })
    }
}

/// Where a page of one kind's hits starts: after the hit with this key and id in the
/// column at this index.
struct After {
    column: usize,
    key: String,
    id: Uuid,
}

/// A hit and its place in the order, for the cursor.
struct Found {
    hit: SearchHit,
    column: usize,
    key: String,
}

/// Up to `limit` hits of one kind after `after`: column by column, each in its index's
/// order, leaving out records an earlier column already found.
async fn hits<E: CrmEntity>(
    db: &DatabaseConnection,
    organization: Uuid,
    q: &str,
    columns: &[E::Column],
    after: Option<After>,
    limit: u64,
    hit: impl Fn(E::Model) -> SearchHit,
) -> Result<Vec<Found>, CoreError> {
    let from = after.as_ref().map_or(0, |a| a.column);
    let mut found = Vec::new();
    for (index, column) in columns.iter().enumerate().skip(from) {
        let wanted = limit.saturating_sub(found.len() as u64);
        if wanted == 0 {
            break;
        }
        let mut select = live::<E>(organization).filter(starts_with(*column, q));
        for earlier in &columns[..index] {
            // NOT on a NULL column is NULL, which would drop the record.
            select = select.filter(
                Condition::any()
                    .add(earlier.is_null())
                    .add(starts_with(*earlier, q).not()),
            );
        }
        if let Some(after) = after.as_ref().filter(|a| a.column == index) {
            select = select.filter(
                Condition::any().add(lower(*column).gt(after.key.clone())).add(
                    Condition::all()
                        .add(lower(*column).eq(after.key.clone()))
                        .add(E::id_col().gt(after.id)),
                ),
            );
        }
        let rows = select
            .expr_as(lower(*column), KEY)
            .order_by_asc(lower(*column))
            .order_by_asc(E::id_col())
            .limit(wanted)
            .into_model::<Keyed<E::Model>>()
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|row| Found {
            hit: hit(row.model),
            column: index,
            key: row.key,
        }));
    }
    Ok(found)
}

fn kind_named(name: &str) -> Option<RecordKind> {
    KINDS.into_iter().find(|k| k.as_str() == name)
}

/// The kind and place a cursor continues from, if Kite made it for one of `kinds`.
fn resume(raw: &str, kinds: &[RecordKind]) -> Result<(RecordKind, After), CoreError> {
    let cursor = Cursor::decode(raw, LIST, SORT)?;
    let place = cursor.value.as_array().ok_or_else(invalid_cursor)?;
    let kind = place
        .first()
        .and_then(|k| k.as_str())
        .and_then(kind_named)
        .filter(|k| kinds.contains(k))
        .ok_or_else(invalid_cursor)?;
    let column = place
        .get(1)
        .and_then(|c| c.as_u64())
        .and_then(|c| usize::try_from(c).ok())
        .filter(|c| *c < columns_of(kind))
        .ok_or_else(invalid_cursor)?;
    let key = place.get(2).and_then(|k| k.as_str()).ok_or_else(invalid_cursor)?;
    Ok((
        kind,
        After {
            column,
            key: key.to_owned(),
            id: cursor.id,
        },
    ))
}

fn columns_of(kind: RecordKind) -> usize {
    match kind {
        RecordKind::Contact => CONTACT_COLUMNS.len(),
        RecordKind::Company => COMPANY_COLUMNS.len(),
        RecordKind::Deal => DEAL_COLUMNS.len(),
    }
}
pub struct SearchService<'a> {
    kite: &'a Kite,
}

impl<'a> SearchService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn search(&self, ctx: &Ctx, query: &SearchQuery, page: &PageQuery) -> Result<Page<SearchHit>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let q = query.q.trim();
        if q.chars().count() < 2 {
            return Err(CoreError::field("q", "too_short", "Type at least two characters."));
        }
        if q.chars().count() > 100 {
            return Err(CoreError::field("q", "too_long", "At most 100 characters."));
        }
        let q = q.to_lowercase();
        let request = PageRequest::parse(page)?;
        let kinds: Vec<RecordKind> = match query.kind {
            Some(kind) => vec![kind],
            None => KINDS.to_vec(),
        };
        let mut start = request.cursor.as_deref().map(|raw| resume(raw, &kinds)).transpose()?;
        let org = ctx.organization_id.into_uuid();
        let db = &self.kite.db;
        let wanted = request.per_page.saturating_add(1);
        let mut found: Vec<(RecordKind, Found)> = Vec::new();
        let from = start
            .as_ref()
            .map_or(0, |(kind, _)| kinds.iter().position(|k| k == kind).unwrap_or(0));
        for kind in &kinds[from..] {
            let after = start.take().map(|(_, after)| after);
            let limit = wanted.saturating_sub(found.len() as u64);
            if limit == 0 {
                break;
            }
            let more = match kind {
                RecordKind::Contact => {
                    hits::<contact::Entity>(db, org, &q, &CONTACT_COLUMNS, after, limit, |c| SearchHit {
                        kind: RecordKind::Contact,
                        id: c.id,
                        title: format!("{} {}", c.first_name, c.last_name).trim().to_owned(),
                        subtitle: c.email.or(c.phone),
                    })
                    .await?
                }
                RecordKind::Company => {
                    hits::<company::Entity>(db, org, &q, &COMPANY_COLUMNS, after, limit, |c| SearchHit {
                        kind: RecordKind::Company,
                        id: c.id,
                        title: c.name,
                        subtitle: c.domain,
                    })
                    .await?
                }
                RecordKind::Deal => {
                    hits::<deal::Entity>(db, org, &q, &DEAL_COLUMNS, after, limit, |d| SearchHit {
                        kind: RecordKind::Deal,
                        id: d.id,
                        title: d.title,
                        subtitle: Some(format_money(d.value_minor, &d.currency)),
                    })
                    .await?
                }
            };
            found.extend(more.into_iter().map(|f| (*kind, f)));
        }
        // Counting reads every record that starts with the query (thousands for a common
        // prefix), where the hits stop at a page: the search counts only when asked.
        let total = if page.total == Some(true) {
            let mut total = 0;
            for kind in &kinds {
                total += self.count(*kind, org, &q).await?;
            }
            Some(total)
        } else {
            None
        };
        let (found, next_cursor) = paging::cut(found, request.per_page, |(kind, found)| {
            Cursor {
                value: serde_json::json!([kind.as_str(), found.column, found.key]),
                id: found.hit.id,
            }
            .encode(LIST, SORT)
        })?;
        Ok(Page {
            items: found.into_iter().map(|(_, f)| f.hit).collect(),
            next_cursor,
            total,
        })
    }

    /// The hits of one kind, from the cache of totals that writes to that kind make stale.
    async fn count(&self, kind: RecordKind, organization: Uuid, q: &str) -> Result<u64, CoreError> {
        let db = &self.kite.db;
        let counts = &self.kite.counts;
        let key = format!("search:{q}");
        Ok(match kind {
            RecordKind::Contact => {
                let select = matches::<contact::Entity>(organization, q, &CONTACT_COLUMNS);
                counts
                    .count_once(organization, kind.plural(), key, || select.count(db))
                    .await?
            }
            RecordKind::Company => {
                let select = matches::<company::Entity>(organization, q, &COMPANY_COLUMNS);
                counts
                    .count_once(organization, kind.plural(), key, || select.count(db))
                    .await?
            }
            RecordKind::Deal => {
                let select = matches::<deal::Entity>(organization, q, &DEAL_COLUMNS);
                counts
                    .count_once(organization, kind.plural(), key, || select.count(db))
                    .await?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::starts_with;
    use kite_entity::contact;
    use sea_orm::sea_query::{Query, SqliteQueryBuilder};

    #[test]
    fn a_prefix_becomes_an_index_range() {
        let sql = Query::select()
            .column(contact::Column::Id)
            .from(contact::Entity)
            .cond_where(starts_with(contact::Column::LastName, "ber"))
            .to_string(SqliteQueryBuilder);
        assert!(sql.contains(r#"LOWER("last_name") >= 'ber'"#), "{sql}");
        assert!(sql.contains(r#"LOWER("last_name") < 'bes'"#), "{sql}");
    }
}
