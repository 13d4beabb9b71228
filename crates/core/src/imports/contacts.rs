//! The contact rows of an import. A row is the contact with its Kite id, else the one with
//! its email: an email belongs to one live contact, so no import makes a second one. The
//! company a row names is found, or created, by name.

use super::engine::{Reader, RecordImport, Rows, RunState, Runner};
use super::rows::{self, Prepared, RowFailure};
use crate::CoreError;
use crate::crm::contacts::write::{self, ContactFields};
use crate::crm::write::{Edit, Origin};
use chrono::{DateTime, Utc};
use kite_entity::contact;
use sea_orm::ConnectionTrait;
use std::collections::HashMap;
use uuid::Uuid;

const TAKEN: (&str, &str) = ("email", "Another contact already has this email.");

pub(super) struct Contacts;

pub(super) struct Known {
    by_id: HashMap<Uuid, contact::Model>,
    by_email: HashMap<String, contact::Model>,
}

/// The row's fields with the company it names.
fn with_company(row: Prepared<ContactFields>, state: &RunState) -> ContactFields {
    ContactFields {
        company_id: state.company(row.company.as_deref()),
        ..row.fields
    }
}

impl RecordImport for Contacts {
    type Entity = contact::Entity;
    type Row = Prepared<ContactFields>;
    type Ready = Prepared<ContactFields>;
    type Known = Known;
    type Extras = ();
    type Before = ContactFields;
    const DUPLICATE: Option<(&'static str, &'static str)> = Some(TAKEN);
    const READ: Reader<Self::Row> = rows::contact;
    const NAMES_COMPANIES: bool = true;

    async fn look_up<C: ConnectionTrait>(
        &self,
        runner: &Runner<'_>,
        conn: &C,
        state: &mut RunState,
        rows: Rows<Self::Row>,
        dry_run: bool,
    ) -> Result<(Known, Rows<Self::Ready>), CoreError> {
        let ok = || rows.iter().filter_map(|(_, p)| p.as_ref().ok());
        let by_email = runner
            .live_contacts_by_email(conn, ok().filter_map(|p| p.fields.stored_email()).collect())
            .await?;
        let by_id = runner
            .live_by_id::<contact::Entity>(conn, ok().filter_map(|p| p.id).collect())
            .await?;
        runner
            .company_ids(conn, state, ok().filter_map(|p| p.company.clone()), dry_run)
            .await?;
        Ok((Known { by_id, by_email }, rows))
    }

    fn key(&self, row: &Self::Ready) -> Option<String> {
        row.fields.stored_email()
    }

    fn existing<'k>(&self, known: &'k Known, row: &Self::Ready) -> Option<&'k contact::Model> {
        row.id
            .and_then(|id| known.by_id.get(&id))
            .or_else(|| known.by_email.get(&self.key(row)?))
    }

    /// A row that names a contact by id may not give it another contact's email (the API
    /// refuses that too).
    fn refuse_update(&self, known: &Known, found: &contact::Model, row: &Self::Ready) -> Option<RowFailure> {
        let holder = known.by_email.get(&self.key(row)?)?;
        (holder.id != found.id).then(|| (TAKEN.0.to_owned(), TAKEN.1.to_owned()))
    }

    fn tags(row: &Self::Ready) -> Option<&Vec<String>> {
        row.tags.as_ref()
    }

    async fn create<C: ConnectionTrait>(
        &self,
        _runner: &Runner<'_>,
        _conn: &C,
        _extras: &mut (),
        state: &RunState,
        (id, row): (Uuid, Self::Ready),
        origin: &Origin,
    ) -> Result<contact::ActiveModel, CoreError> {
        Ok(write::build_new(id, with_company(row, state), origin))
    }

    fn update(
        &self,
        _runner: &Runner<'_>,
        _extras: &mut (),
        state: &RunState,
        found: &contact::Model,
        row: Self::Ready,
        at: DateTime<Utc>,
    ) -> contact::ActiveModel {
        write::apply_update(found, with_company(row, state), Edit::Fill, at)
    }

    fn before(found: &contact::Model) -> ContactFields {
        found.into()
    }

    fn restore(existing: &contact::Model, before: ContactFields, at: DateTime<Utc>) -> contact::ActiveModel {
        write::apply_update(existing, before, Edit::Save, at)
    }
}
