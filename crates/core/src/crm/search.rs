//! The search box: contacts, companies and deals whose name, email, domain, phone or
//! title contains the query, a few of each kind.

use crate::{CoreError, Ctx, Kite};
use kite_entity::{company, contact, deal};
use kite_shared::Permission;
use kite_shared::crm::money::format_money;
use kite_shared::crm::search::{SearchHit, SearchQuery, SearchResults};
use sea_orm::sea_query::{Condition, Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect};

const DEFAULT_LIMIT: u64 = 5;
const MAX_LIMIT: u64 = 20;

/// `%q%` with LIKE's own wildcards escaped, so a search for "50%" means 50%.
fn contains_pattern(q: &str) -> String {
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn lower_like<C: sea_orm::ColumnTrait>(column: C, pattern: &str) -> sea_orm::sea_query::SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column))).like(sea_orm::sea_query::LikeExpr::new(pattern).escape('\\'))
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
        let pattern = contains_pattern(q);
        let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let org = ctx.organization_id.into_uuid();
        let db = &self.kite.db;

        let contacts = contact::Entity::find()
            .filter(contact::Column::OrganizationId.eq(org))
            .filter(contact::Column::DeletedAt.is_null())
            .filter(
                Condition::any()
                    .add(lower_like(contact::Column::FirstName, &pattern))
                    .add(lower_like(contact::Column::LastName, &pattern))
                    .add(lower_like(contact::Column::Email, &pattern))
                    .add(lower_like(contact::Column::Phone, &pattern)),
            )
            .order_by_asc(contact::Column::LastName)
            .limit(limit)
            .all(db)
            .await?;
        let companies = company::Entity::find()
            .filter(company::Column::OrganizationId.eq(org))
            .filter(company::Column::DeletedAt.is_null())
            .filter(
                Condition::any()
                    .add(lower_like(company::Column::Name, &pattern))
                    .add(lower_like(company::Column::Domain, &pattern))
                    .add(lower_like(company::Column::Phone, &pattern)),
            )
            .order_by_asc(company::Column::Name)
            .limit(limit)
            .all(db)
            .await?;
        let deals = deal::Entity::find()
            .filter(deal::Column::OrganizationId.eq(org))
            .filter(deal::Column::DeletedAt.is_null())
            .filter(lower_like(deal::Column::Title, &pattern))
            .order_by_desc(deal::Column::UpdatedAt)
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
    use super::contains_pattern;

    #[test]
    fn like_wildcards_in_a_query_are_taken_literally() {
        assert_eq!(contains_pattern("50%_Off"), "%50\\%\\_off%");
    }
}
