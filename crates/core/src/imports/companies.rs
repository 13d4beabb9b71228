//! The company rows of an import. A row is the company with its Kite id, else the one
//! with its domain, else the one without a domain that has its name.

use super::engine::{Reader, RecordImport, Rows, RunState, Runner};
use super::rows::{self, Prepared};
use crate::CoreError;
use crate::crm::companies::write::{self, CompanyFields};
use crate::crm::records;
use crate::crm::write::{Edit, Origin};
use chrono::{DateTime, Utc};
use kite_entity::company;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, ConnectionTrait, ExprTrait, QueryFilter};
use uuid::Uuid;

pub(super) struct Companies;

fn lower_name(row: &Prepared<CompanyFields>) -> String {
    row.fields.name.trim().to_lowercase()
}

impl RecordImport for Companies {
    type Entity = company::Entity;
    type Row = Prepared<CompanyFields>;
    type Ready = Prepared<CompanyFields>;
    /// The live companies with a batch's ids, domains or names.
    type Known = Vec<company::Model>;
    type Extras = ();
    type Before = CompanyFields;
    const DUPLICATE: Option<(&'static str, &'static str)> = None;
    const READ: Reader<Self::Row> = rows::company;
    const NAMES_COMPANIES: bool = false;

    async fn look_up<C: ConnectionTrait>(
        &self,
        runner: &Runner<'_>,
        conn: &C,
        _state: &mut RunState,
        rows: Rows<Self::Row>,
        _dry_run: bool,
    ) -> Result<(Self::Known, Rows<Self::Ready>), CoreError> {
        let ok = || rows.iter().filter_map(|(_, p)| p.as_ref().ok());
        let mut known: Vec<company::Model> = runner
            .live_by_id::<company::Entity>(conn, ok().filter_map(|p| p.id).collect())
            .await?
            .into_values()
            .collect();
        let domains: Vec<String> = ok().filter_map(|p| p.fields.stored_domain()).collect();
        if !domains.is_empty() {
            known.extend(
                records::live::<company::Entity>(&runner.ctx)
                    .filter(company::Column::Domain.is_in(domains))
                    .all(conn)
                    .await?,
            );
        }
        let names: Vec<String> = ok().map(lower_name).collect();
        if !names.is_empty() {
            known.extend(
                records::live::<company::Entity>(&runner.ctx)
                    .filter(Expr::expr(Func::lower(Expr::col(company::Column::Name))).is_in(names))
                    .all(conn)
                    .await?,
            );
        }
        Ok((known, rows))
    }

    fn key(&self, row: &Self::Ready) -> Option<String> {
        Some(
            row.fields
                .stored_domain()
                .unwrap_or_else(|| format!("name:{}", lower_name(row))),
        )
    }

    fn existing<'k>(&self, known: &'k Self::Known, row: &Self::Ready) -> Option<&'k company::Model> {
        let domain = row.fields.stored_domain();
        let name = lower_name(row);
        row.id
            .and_then(|id| known.iter().find(|c| c.id == id))
            .or_else(|| {
                let domain = domain.as_ref()?;
                known.iter().find(|c| c.domain.as_ref() == Some(domain))
            })
            .or_else(|| {
                known
                    .iter()
                    .find(|c| c.domain.is_none() && c.name.to_lowercase() == name)
            })
    }

    fn tags(row: &Self::Ready) -> Option<&Vec<String>> {
        row.tags.as_ref()
    }

    async fn create<C: ConnectionTrait>(
        &self,
        _runner: &Runner<'_>,
        _conn: &C,
        _extras: &mut (),
        _state: &RunState,
        (id, row): (Uuid, Self::Ready),
        origin: &Origin,
    ) -> Result<company::ActiveModel, CoreError> {
        Ok(write::build_new(id, row.fields, origin))
    }

    fn update(
        &self,
        _runner: &Runner<'_>,
        _extras: &mut (),
        _state: &RunState,
        found: &company::Model,
        row: Self::Ready,
        at: DateTime<Utc>,
    ) -> company::ActiveModel {
        write::apply_update(found, row.fields, Edit::Fill, at)
    }

    fn before(found: &company::Model) -> CompanyFields {
        found.into()
    }

    fn restore(existing: &company::Model, before: CompanyFields, at: DateTime<Utc>) -> company::ActiveModel {
        write::apply_update(existing, before, Edit::Save, at)
    }
}
