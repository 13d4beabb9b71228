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
