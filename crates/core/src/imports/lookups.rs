//! What the rows of more than one kind look up: contacts by email (contact and deal rows)
//! and companies by name, created when missing (contact and deal rows).

use super::engine::{RunState, Runner};
use crate::CoreError;
use crate::crm::companies::write::{self as company_write, CompanyFields};
use crate::crm::records;
use kite_entity::{company, contact};
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

impl Runner<'_> {
    /// The live contacts of the organization with one of `emails` (normalized), by email.
    pub(super) async fn live_contacts_by_email(
        &self,
        conn: &impl ConnectionTrait,
        emails: Vec<String>,
    ) -> Result<HashMap<String, contact::Model>, CoreError> {
        if emails.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(records::live::<contact::Entity>(&self.ctx)
            .filter(contact::Column::Email.is_in(emails))
            .all(conn)
            .await?
            .into_iter()
            .filter_map(|c| Some((c.email.clone()?, c)))
            .collect())
    }

    /// Finds (or, in a real run, creates) the companies named in a batch, into
    /// `state.companies`.
    pub(super) async fn company_ids(
        &self,
        conn: &impl ConnectionTrait,
        state: &mut RunState,
        names: impl Iterator<Item = String>,
        dry_run: bool,
    ) -> Result<(), CoreError> {
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        for name in names {
            let lower = name.to_lowercase();
            if !state.companies.contains_key(&lower) {
                wanted.entry(lower).or_insert(name);
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let lower_name = Func::lower(Expr::col(company::Column::Name));
        let found = records::live::<company::Entity>(&self.ctx)
            .filter(Expr::expr(lower_name).is_in(wanted.keys().cloned()))
            .all(conn)
            .await?;
        for c in found {
            wanted.remove(&c.name.to_lowercase());
            state.companies.insert(c.name.to_lowercase(), c.id);
        }
        let origin = self.origin();
        let mut created = Vec::new();
        for (lower, name) in wanted {
            let id = Uuid::now_v7();
            state.companies.insert(lower, id);
            let fields = CompanyFields {
                name,
                ..CompanyFields::default()
            };
            created.push(company_write::build_new(id, fields, &origin));
        }
        if !dry_run && !created.is_empty() {
            company::Entity::insert_many(created)
                .exec_without_returning(conn)
                .await?;
        }
        Ok(())
    }
}
