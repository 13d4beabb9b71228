//! What the write paths of contacts, companies and deals share (each kind's own is in
//! `contacts/write.rs`, `companies/write.rs`, `deals/write.rs`): where a new record comes
//! from, and what kind of edit an update is. The API, imports, demo data, merges and
//! undo all write through those paths, so a record is stored the same whichever way it
//! arrives.

use crate::Ctx;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue;
use serde_json::json;
use uuid::Uuid;

/// Who creates a record, in which organization, when, and whether an import does.
pub(crate) struct Origin {
    pub organization_id: Uuid,
    /// The creator; a new record without an owner of its own is theirs.
    pub created_by: Option<Uuid>,
    /// Undoing this import trashes the record again.
    pub import_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

impl Origin {
    /// A record created now by the caller.
    pub(crate) fn of(ctx: &Ctx) -> Origin {
        Origin {
            organization_id: ctx.organization_id.into_uuid(),
            created_by: Some(ctx.user_id.into_uuid()),
            import_id: None,
            at: Utc::now(),
        }
    }

    /// The owner of a new record: the one asked for, else the creator.
    pub(crate) fn owner(&self, requested: Option<Uuid>) -> Option<Uuid> {
        requested.or(self.created_by)
    }
}

/// What an update means by the values it leaves empty, and whether it is an edit even
/// when no column changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edit {
    /// Someone saved the record (a form, the API, a merge, an undo): it becomes what was
    /// given, so an empty value clears its field; and it counts as changed now even when
    /// only what lives beside the row (tags, links) did.
    Save,
    /// An import row: an empty cell leaves its field as it is, and a row that changes
    /// nothing leaves the record untouched.
    Fill,
}

/// A value an import's empty cell leaves out.
pub(crate) trait Blank {
    fn is_blank(&self) -> bool;
}

impl Blank for String {
    fn is_blank(&self) -> bool {
        self.is_empty()
    }
}

impl<T> Blank for Option<T> {
    fn is_blank(&self) -> bool {
        self.is_none()
    }
}

impl Edit {
    /// Puts `value` in `column`, unless the column holds it already or the edit keeps
    /// what an empty value would clear.
    pub(crate) fn put<V>(self, column: &mut ActiveValue<V>, value: V)
    where
        V: Blank + PartialEq + Into<sea_orm::Value>,
    {
        if !(self == Edit::Fill && value.is_blank()) {
            column.set_if_not_equals(value);
        }
    }

    /// [`Edit::put`] for a list kept as JSON text.
    pub(crate) fn put_list(self, column: &mut ActiveValue<String>, values: &[String]) {
        if !(self == Edit::Fill && values.is_empty()) {
            column.set_if_not_equals(json_list(values));
        }
    }

    /// Stamps `updated_at` when the edit changed the row, or always for a save.
    pub(crate) fn stamp(self, changed: bool, updated_at: &mut ActiveValue<DateTime<Utc>>, at: DateTime<Utc>) {
        if changed || self == Edit::Save {
            *updated_at = ActiveValue::Set(at);
        }
    }
}

/// A list as the JSON text its column holds.
pub(crate) fn json_list(values: &[String]) -> String {
    json!(values).to_string()
}

/// Trimmed, non-empty values, once each, in their order.
pub(crate) fn clean_list(values: &[String], normalize: impl Fn(&str) -> String) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values.iter().map(|v| normalize(v.trim())) {
        if !value.is_empty() && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}
