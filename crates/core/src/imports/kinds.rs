//! Which [`RecordImport`](super::engine::RecordImport) an import runs and undoes with.

use super::companies::Companies;
use super::contacts::Contacts;
use super::deals::{Deals, Pipelines};
use super::engine::{self, RunState, Runner};
use super::files::Row;
use crate::CoreError;
use kite_entity::import;
use kite_shared::imports::ImportEntity;
use sea_orm::ConnectionTrait;

/// The kind of record an import writes, with what it reads once per run.
pub(super) enum Kind {
    Contacts,
    Companies,
    Deals(Deals),
}

impl Kind {
    pub(super) async fn load(
        conn: &impl ConnectionTrait,
        import: &import::Model,
        entity: ImportEntity,
    ) -> Result<Kind, CoreError> {
        Ok(match entity {
            ImportEntity::Contacts => Kind::Contacts,
            ImportEntity::Companies => Kind::Companies,
            ImportEntity::Deals => Kind::Deals(Deals {
                pipelines: Pipelines::load(conn, import.organization_id).await?,
            }),
        })
    }

    /// Decides (and in a real run, writes) one batch of rows.
    pub(super) async fn batch(
        &self,
        runner: &Runner<'_>,
        state: &mut RunState,
        rows: Vec<Row>,
        dry_run: bool,
    ) -> Result<(), CoreError> {
        match self {
            Kind::Contacts => runner.batch(&Contacts, state, rows, dry_run).await,
            Kind::Companies => runner.batch(&Companies, state, rows, dry_run).await,
            Kind::Deals(deals) => runner.batch(deals, state, rows, dry_run).await,
        }
    }
}

/// Trashes what the import created and puts back what it updated, in the caller's
/// transaction: the records removed and restored.
pub(super) async fn undo(
    conn: &impl ConnectionTrait,
    import: &import::Model,
    entity: ImportEntity,
) -> Result<(u64, u64), CoreError> {
    match entity {
        ImportEntity::Contacts => engine::undo::<Contacts>(conn, import).await,
        ImportEntity::Companies => engine::undo::<Companies>(conn, import).await,
        ImportEntity::Deals => engine::undo::<Deals>(conn, import).await,
    }
}
