//! The search box: contacts, companies and deals whose first name, last name, email,
//! phone, name, domain or title starts with the query. Prefix matching on
//! `lower(column)` uses the expression indexes of the search migration on both
//! databases; a substring match would read every row of a 100k-record table. Hits come
//! a kind at a time (contacts, companies, deals), each in the order the records were
//! made (their ids), and are paged like every list (see [`crate::paging`]).

use super::records::CrmEntity;
use crate::paging::{self, Cursor, PageRequest, invalid_cursor};
use crate::{CoreError, Ctx, Kite};
use kite_entity::{company, contact, deal};
use kite_shared::Permission;
use kite_shared::crm::money::format_money;
use kite_shared::crm::notes::RecordKind;
use kite_shared::crm::search::{SearchHit, SearchQuery};
use kite_shared::page::{Page, PageQuery};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{
    ColumnTrait, DatabaseConnection, ExprTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;

/// The cursor's list and order: hits by kind, then by id.
const LIST: &str = "search";
const SORT: &str = "kind";
const KINDS: [RecordKind; 3] = [RecordKind::Contact, RecordKind::Company, RecordKind::Deal];

/// `lower(column)` in `[q, q+)`: the strings that start with `q`, as an index range.
/// Each alternative of the OR carries the tenant condition itself, so that both
/// databases can answer every alternative from its own `(organization_id, lower(..))`
/// index and merge the results, instead of reading the whole table.
fn starts_with<C: sea_orm::ColumnTrait>(organization: (C, uuid::Uuid), column: C, q: &str) -> Condition {
    let lower = Expr::expr(Func::lower(Expr::col(column)));
    let mut upper: Vec<char> = q.chars().collect();
    let next = upper.last().and_then(|c| char::from_u32(*c as u32 + 1));
    let condition = Condition::all()
        .add(organization.0.eq(organization.1))
        .add(lower.clone().gte(q.to_owned()));
    match (upper.last_mut(), next) {
        (Some(last), Some(next)) => {
            *last = next;
            condition.add(lower.lt(upper.into_iter().collect::<String>()))
        }
        _ => condition,
    }
}

/// The live records of one kind that start with `q` (lower case).
fn matches<E: CrmEntity>(organization: Uuid, q: &str, columns: &[E::Column]) -> Select<E> {
    let any = columns.iter().fold(Condition::any(), |any, column| {
        any.add(starts_with((E::organization_col(), organization), *column, q))
    });
    E::find()
        .filter(E::organization_col().eq(organization))
        .filter(E::deleted_col().is_null())
        .filter(any)
}

fn contact_hits(organization: Uuid, q: &str) -> Select<contact::Entity> {
    matches::<contact::Entity>(
        organization,
        q,
        &[
            contact::Column::FirstName,
            contact::Column::LastName,
            contact::Column::Email,
            contact::Column::Phone,
        ],
    )
}

fn company_hits(organization: Uuid, q: &str) -> Select<company::Entity> {
    matches::<company::Entity>(
        organization,
        q,
        &[company::Column::Name, company::Column::Domain, company::Column::Phone],
    )
}

fn deal_hits(organization: Uuid, q: &str) -> Select<deal::Entity> {
    matches::<deal::Entity>(organization, q, &[deal::Column::Title])
}

/// Up to `limit` hits of `select` after the record `after`, by id.
async fn after<E: CrmEntity>(
    db: &DatabaseConnection,
    select: Select<E>,
    after: Option<Uuid>,
    limit: u64,
    hit: impl Fn(E::Model) -> SearchHit,
) -> Result<Vec<SearchHit>, CoreError> {
    let select = match after {
        Some(id) => select.filter(E::id_col().gt(id)),
        None => select,
    };
    Ok(select
        .order_by_asc(E::id_col())
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(hit)
        .collect())
}

fn kind_named(name: &str) -> Option<RecordKind> {
    KINDS.into_iter().find(|k| k.as_str() == name)
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
        let start = match request.cursor.as_deref() {
            Some(raw) => {
                let cursor = Cursor::decode(raw, LIST, SORT)?;
                let kind = cursor
                    .value
                    .as_str()
                    .and_then(kind_named)
                    .filter(|k| kinds.contains(k))
                    .ok_or_else(invalid_cursor)?;
                Some((kind, cursor.id))
            }
            None => None,
        };
        let org = ctx.organization_id.into_uuid();
        let db = &self.kite.db;
        let wanted = request.per_page.saturating_add(1);
        let mut hits: Vec<SearchHit> = Vec::new();
        let from = start.map_or(0, |(kind, _)| kinds.iter().position(|k| *k == kind).unwrap_or(0));
        for kind in &kinds[from..] {
            let past = start.filter(|(k, _)| k == kind).map(|(_, id)| id);
            let limit = wanted.saturating_sub(hits.len() as u64);
            if limit == 0 {
                break;
            }
            let found = match kind {
                RecordKind::Contact => {
                    after(db, contact_hits(org, &q), past, limit, |c| SearchHit {
                        kind: RecordKind::Contact,
                        id: c.id,
                        title: format!("{} {}", c.first_name, c.last_name).trim().to_owned(),
                        subtitle: c.email.or(c.phone),
                    })
                    .await?
                }
                RecordKind::Company => {
                    after(db, company_hits(org, &q), past, limit, |c| SearchHit {
                        kind: RecordKind::Company,
                        id: c.id,
                        title: c.name,
                        subtitle: c.domain,
                    })
                    .await?
                }
                RecordKind::Deal => {
                    after(db, deal_hits(org, &q), past, limit, |d| SearchHit {
                        kind: RecordKind::Deal,
                        id: d.id,
                        title: d.title,
                        subtitle: Some(format_money(d.value_minor, &d.currency)),
                    })
                    .await?
                }
            };
            hits.extend(found);
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
        let (items, next_cursor) = paging::cut(hits, request.per_page, |hit| {
            Cursor {
                value: serde_json::json!(hit.kind.as_str()),
                id: hit.id,
            }
            .encode(LIST, SORT)
        })?;
        Ok(Page {
            items,
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
                let select = contact_hits(organization, q);
                counts
                    .count_once(organization, kind.plural(), key, || select.count(db))
                    .await?
            }
            RecordKind::Company => {
                let select = company_hits(organization, q);
                counts
                    .count_once(organization, kind.plural(), key, || select.count(db))
                    .await?
            }
            RecordKind::Deal => {
                let select = deal_hits(organization, q);
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
            .cond_where(starts_with(
                (contact::Column::OrganizationId, uuid::Uuid::nil()),
                contact::Column::LastName,
                "ber",
            ))
            .to_string(SqliteQueryBuilder);
        assert!(sql.contains(r#"LOWER("last_name") >= 'ber'"#), "{sql}");
        assert!(sql.contains(r#"LOWER("last_name") < 'bes'"#), "{sql}");
    }
}
