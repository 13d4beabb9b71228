//! What an import keeps of a record before it first changes it, so undo can put it back:
//! one typed snapshot per record kind, with the record's tags.

use crate::CoreError;
use kite_entity::import_change;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// What `import_changes.before` holds: a record as it was before the import first changed
/// it, with its tags. Written and read only through this type.
#[derive(Serialize, Deserialize)]
pub(super) struct Snapshot<B> {
    #[serde(flatten)]
    pub record: B,
    pub tags: Vec<String>,
    /// Its custom values; absent in snapshots older than custom fields, whose undo
    /// leaves the values alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_fields: Option<kite_shared::crm::custom_values::CustomValues>,
}

/// A snapshot of an import's change that cannot be read: the row was damaged or written
/// by something else than this code.
#[derive(Debug, thiserror::Error)]
#[error("the saved state of record {record_id} cannot be read: {source}")]
pub(super) struct UnreadableSnapshot {
    record_id: Uuid,
    source: serde_json::Error,
}

impl From<UnreadableSnapshot> for CoreError {
    /// A 409 Conflict: the request is well formed and allowed, but what the import kept
    /// does not allow undoing it. It is not the caller's input (422), and nothing failed
    /// while answering (500): asking again gives the same answer until the snapshot is
    /// repaired, and nothing was changed meanwhile.
    fn from(error: UnreadableSnapshot) -> CoreError {
        CoreError::Conflict {
            code: "import_snapshot_unreadable",
            message:
                "This import cannot be undone: what it kept of a record it changed cannot be read. Nothing was changed."
                    .into(),
            field: None,
            details: Some(json!({"record_id": error.record_id, "reason": error.source.to_string()})),
        }
    }
}

impl<B: Serialize + DeserializeOwned> Snapshot<B> {
    pub fn write(&self) -> Result<String, CoreError> {
        serde_json::to_string(self).map_err(|e| CoreError::Internal(format!("snapshot: {e}")))
    }

    pub fn read(change: &import_change::Model) -> Result<Snapshot<B>, UnreadableSnapshot> {
        serde_json::from_str(&change.before).map_err(|source| UnreadableSnapshot {
            record_id: change.record_id,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crm::contacts::write::ContactFields;

    fn change(before: &str) -> import_change::Model {
        import_change::Model {
            import_id: Uuid::nil(),
            record_id: Uuid::nil(),
            before: before.into(),
        }
    }

    #[test]
    fn a_snapshot_kept_by_earlier_versions_still_reads() {
        // The contact DTO with its tags, as imports kept it before snapshots were typed.
        let old = r#"{"id":"0190c5a8-0000-7000-8000-000000000001","first_name":"Ann","last_name":"",
            "email":"ann@example.com","other_emails":[],"phone":null,"other_phones":[],"title":"CTO",
            "company_id":null,"company_name":null,"owner_id":"0190c5a8-0000-7000-8000-000000000002",
            "lifecycle_stage":"customer","source":null,"tags":["old"],
            "created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;
        let read = Snapshot::<ContactFields>::read(&change(old)).expect("readable");
        assert_eq!(read.tags, ["old"]);
        assert_eq!(read.record.title.as_deref(), Some("CTO"));
        assert_eq!(read.record.lifecycle_stage.map(|s| s.as_str()), Some("customer"));
    }

    #[test]
    fn a_damaged_snapshot_is_refused_instead_of_read_as_blank_fields() {
        for damaged in ["", "null", r#"{"first_name":42,"tags":[]}"#, r#"{"first_name":"Ann"}"#] {
            let error = Snapshot::<ContactFields>::read(&change(damaged)).err();
            let error = CoreError::from(error.expect("refused"));
            assert!(
                matches!(
                    error,
                    CoreError::Conflict {
                        code: "import_snapshot_unreadable",
                        ..
                    }
                ),
                "{damaged}: {error}"
            );
        }
    }
}
