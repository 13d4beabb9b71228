//! The search box: contacts, companies and deals whose first name, last name, email,
//! phone, name, domain or title starts with the query, a few of each kind. Prefix
//! matching on `lower(column)` uses the expression indexes of the search migration on
//! both databases; a substring match would read every row of a 100k-record table.

use crate::{CoreError, Ctx, Kite};
use kite_entity::{company, contact, deal};
use kite_shared::Permission;
use kite_shared::crm::money::format_money;
use kite_shared::crm::search::{SearchHit, SearchQuery, SearchResults};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QuerySelect};

const DEFAULT_LIMIT: u64 = 5;
const MAX_LIMIT: u64 = 20;

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

pub struct SearchService<'a> {
    kite: &'a Kite,
}

impl<'a> SearchService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    pub async fn search(&self, ctx: &Ctx, query: &SearchQuery) -> Result<SearchResults, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let q = query.q.trim();
        if q.chars().count() < 2 {
            return Err(CoreError::field("q", "too_short", "Type at least two characters."));
        }
        if q.chars().count() > 100 {
            return Err(CoreError::field("q", "too_long", "At most 100 characters."));
        }
        let q = q.to_lowercase();
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let org = ctx.organization_id.into_uuid();
        let db = &self.kite.db;

        let contacts = contact::Entity::find()
            .filter(contact::Column::OrganizationId.eq(org))
            .filter(contact::Column::DeletedAt.is_null())
            .filter(
                Condition::any()
                    .add(starts_with(
                        (contact::Column::OrganizationId, org),
                        contact::Column::FirstName,
                        &q,
                    ))
                    .add(starts_with(
                        (contact::Column::OrganizationId, org),
                        contact::Column::LastName,
                        &q,
                    ))
                    .add(starts_with(
                        (contact::Column::OrganizationId, org),
                        contact::Column::Email,
                        &q,
                    ))
                    .add(starts_with(
                        (contact::Column::OrganizationId, org),
                        contact::Column::Phone,
                        &q,
                    )),
            )
            // No ORDER BY: sorting would read every match of a common prefix first.
            .limit(limit)
            .all(db)
            .await?;
        let companies = company::Entity::find()
            .filter(company::Column::OrganizationId.eq(org))
            .filter(company::Column::DeletedAt.is_null())
            .filter(
                Condition::any()
                    .add(starts_with(
                        (company::Column::OrganizationId, org),
                        company::Column::Name,
                        &q,
                    ))
                    .add(starts_with(
                        (company::Column::OrganizationId, org),
                        company::Column::Domain,
                        &q,
                    ))
                    .add(starts_with(
                        (company::Column::OrganizationId, org),
                        company::Column::Phone,
                        &q,
                    )),
            )
            .limit(limit)
            .all(db)
            .await?;
        let deals = deal::Entity::find()
            .filter(deal::Column::OrganizationId.eq(org))
            .filter(deal::Column::DeletedAt.is_null())
            .filter(starts_with(
                (deal::Column::OrganizationId, org),
                deal::Column::Title,
                &q,
            ))
            .limit(limit)
            .all(db)
            .await?;

        Ok(SearchResults {
            contacts: contacts
                .into_iter()
                .map(|c| SearchHit {
                    id: c.id,
                    title: format!("{} {}", c.first_name, c.last_name).trim().to_owned(),
                    subtitle: c.email.or(c.phone),
                })
                .collect(),
            companies: companies
                .into_iter()
                .map(|c| SearchHit {
                    id: c.id,
                    title: c.name,
                    subtitle: c.domain,
                })
                .collect(),
            deals: deals
                .into_iter()
                .map(|d| SearchHit {
                    id: d.id,
                    title: d.title,
                    subtitle: Some(format_money(d.value_minor, &d.currency)),
                })
                .collect(),
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
