//! The batch engine of an import, the same for every kind of record. A real run commits
//! each batch together with the import's counters and the number of rows done, so a run
//! that is interrupted (the server killed) resumes after its last batch and never writes
//! a row twice. A dry run takes the same decisions without writing. What differs between
//! contacts, companies and deals is their [`RecordImport`].

use super::custom::CustomColumns;
use super::files::Row;
use super::rows::{Mapping, RowFailure};
use super::snapshot::Snapshot;
use crate::crm::custom_fields::values::{self as custom_values, ValueChange};
use crate::crm::records::{self, CrmEntity};
use crate::crm::tags;
use crate::crm::write::Origin;
use crate::{CoreError, Ctx, Kite};
use chrono::{DateTime, Utc};
use kite_entity::{company, import, import_change, import_failure};
use kite_shared::imports::{DuplicateMode, ImportCounts, RowError};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityName, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use uuid::Uuid;

/// Records per INSERT statement. Over TCP each large statement waits ~40 ms for a
/// delayed ACK (sqlx leaves Nagle's algorithm on), so fewer, larger statements are
/// faster; 500 rows stay under SQLite's limit of 32,766 bound values.
pub(super) const INSERT_ROWS: usize = 500;

/// Errors kept for the report; the failed-rows file has them all.
const MAX_ERRORS: usize = 100;

pub(super) type Model<K> = <<K as RecordImport>::Entity as EntityTrait>::Model;
pub(super) type Active<K> = <<K as RecordImport>::Entity as EntityTrait>::ActiveModel;

/// Reads a row's cells through the mapping, with the width of the header and the users
/// an owner column may name.
pub(super) type Reader<R> = fn(&Mapping, &[String], usize, &HashMap<String, Uuid>) -> Result<R, RowFailure>;

/// The rows of a batch by number, each ready or refused.
pub(super) type Rows<R> = Vec<(u64, Result<R, RowFailure>)>;

/// What differs between importing contacts, companies and deals; [`Runner::batch`] and
/// [`undo`] do the rest.
pub(super) trait RecordImport: Sync {
    type Entity: CrmEntity<ActiveModel: Send + Sync>;
    /// A row as the file gives it, checked by the API's rules.
    type Row: Send;
    /// A row with the names it gives resolved, ready to be written.
    type Ready: Send + Sync;
    /// The live records the rows of a batch may be.
    type Known: Send + Sync;
    /// What a batch writes besides its records.
    type Extras: Default + Send;
    /// The record's fields before an import changed them, kept for undo.
    type Before: Serialize + DeserializeOwned + Send;
    /// Two records may not share a key (contacts' email): the failure of a row that
    /// would make a second one.
    const DUPLICATE: Option<(&'static str, &'static str)>;
    /// The rows name companies, created when missing.
    const NAMES_COMPANIES: bool;

    /// Reads a row of the file.
    const READ: Reader<Self::Row>;

    /// Finds what a batch's rows name; in a real run, creates the companies they name.
    async fn look_up<C: ConnectionTrait>(
        &self,
        runner: &Runner<'_>,
        conn: &C,
        state: &mut RunState,
        rows: Rows<Self::Row>,
        dry_run: bool,
    ) -> Result<(Self::Known, Rows<Self::Ready>), CoreError>;

    /// What makes two rows of a file one record.
    fn key(&self, row: &Self::Ready) -> Option<String>;

    /// The live record the row is.
    fn existing<'k>(&self, known: &'k Self::Known, row: &Self::Ready) -> Option<&'k Model<Self>>;

    /// Why the row may not update the record it is, beyond ownership.
    fn refuse_update(&self, _known: &Self::Known, _found: &Model<Self>, _row: &Self::Ready) -> Option<RowFailure> {
        None
    }

    fn tags(row: &Self::Ready) -> Option<&Vec<String>>;

    /// The new record's row, through its kind's write path.
    async fn create<C: ConnectionTrait>(
        &self,
        runner: &Runner<'_>,
        conn: &C,
        extras: &mut Self::Extras,
        state: &RunState,
        row: (Uuid, Self::Ready),
        origin: &Origin,
    ) -> Result<Active<Self>, CoreError>;

    /// The found record changed by the row, through its kind's write path (empty cells
    /// leave fields as they are).
    fn update(
        &self,
        runner: &Runner<'_>,
        extras: &mut Self::Extras,
        state: &RunState,
        found: &Model<Self>,
        row: Self::Ready,
        at: DateTime<Utc>,
    ) -> Active<Self>;

    /// Writes the batch's extras, after its records.
    async fn finish<C: ConnectionTrait>(&self, _conn: &C, _extras: Self::Extras) -> Result<(), CoreError> {
        Ok(())
    }

    fn before(found: &Model<Self>) -> Self::Before;

    /// The record put back as it was, through its kind's write path.
    fn restore(existing: &Model<Self>, before: Self::Before, at: DateTime<Utc>) -> Active<Self>;
}

#[derive(Default)]
pub struct RunState {
    pub counts: ImportCounts,
    pub errors: Vec<RowError>,
    pub errors_by_field: BTreeMap<String, u64>,
    /// Companies by lower-cased name, found or created so far.
    pub(super) companies: HashMap<String, Uuid>,
    /// Keys of records a dry run would have created, to spot duplicates within the file.
    seen: HashSet<u64>,
    /// Records created when PostgreSQL's statistics are next refreshed.
    analyze_at: u64,
}

impl RunState {
    pub fn resumed(import: &import::Model) -> RunState {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        RunState {
            counts: ImportCounts {
                rows: count(import.rows_done),
                created: count(import.created_count),
                updated: count(import.updated_count),
                skipped: count(import.skipped_count),
                failed: count(import.failed_count),
            },
            errors: serde_json::from_str(&import.errors).unwrap_or_default(),
            ..RunState::default()
        }
    }

    fn failure(&mut self, row: u64, (field, message): RowFailure) {
        self.counts.failed += 1;
        *self.errors_by_field.entry(field.clone()).or_default() += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(RowError { row, field, message });
        }
    }

    /// The company a row names, once found or created for its batch.
    pub(super) fn company(&self, name: Option<&str>) -> Option<Uuid> {
        self.companies.get(&name?.to_lowercase()).copied()
    }
}

/// The cells of row `row`, for the failed-rows file.
fn cells_of(rows: &[Row], row: u64) -> Vec<String> {
    rows.iter()
        .find(|(n, _)| *n == row)
        .map(|(_, c)| c.clone())
        .unwrap_or_default()
}

fn key_hash(key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

pub struct Runner<'a> {
    pub kite: &'a Kite,
    pub import: import::Model,
    /// The import's creator: their permissions and ownership apply.
    pub ctx: Ctx,
    pub mapping: Mapping,
    pub width: usize,
    pub duplicates: DuplicateMode,
    /// Active users by lower-cased email, for the owner column.
    pub users: HashMap<String, Uuid>,
    pub custom: CustomColumns,
}

enum Decision<'k, M> {
    Create,
    Update(&'k M),
    Skip,
    Fail(RowFailure),
}

impl Runner<'_> {
    /// Reps change only what they own, in an import as anywhere else.
    fn may_edit(&self, owner: Option<Uuid>) -> bool {
        crate::crm::access::require_edit(&self.ctx, owner).is_ok()
    }

    /// Where the records the import creates now come from: its creator and itself.
    pub(super) fn origin(&self) -> Origin {
        Origin {
            organization_id: self.import.organization_id,
            created_by: Some(self.ctx.user_id.into_uuid()),
            import_id: Some(self.import.id),
            at: Utc::now(),
        }
    }

    /// The live records of the organization among `ids`, by id (rows that name a Kite id).
    pub(super) async fn live_by_id<E: CrmEntity>(
        &self,
        conn: &impl ConnectionTrait,
        ids: Vec<Uuid>,
    ) -> Result<HashMap<Uuid, E::Model>, CoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(records::live::<E>(&self.ctx)
            .filter(E::id_col().is_in(ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|row| (E::id(&row), row))
            .collect())
    }

    /// Decides (and in a real run, writes) one batch of rows.
    pub async fn batch<K: RecordImport>(
        &self,
        kind: &K,
        state: &mut RunState,
        rows: Vec<Row>,
        dry_run: bool,
    ) -> Result<(), CoreError> {
        let Some(last_row) = rows.last().map(|(n, _)| *n) else {
            return Ok(());
        };
        let txn = if dry_run { None } else { Some(self.kite.begin().await?) };
        if let Some(txn) = &txn
            && txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres
        {
            // A batch commits together with the import's counters, so a crash can only
            // lose whole batches and the run resumes after the last one that stayed:
            // waiting for each commit to reach the disk buys nothing here.
            txn.execute_unprepared("SET LOCAL synchronous_commit = off").await?;
        }
        let failures = match &txn {
            Some(txn) => self.write(kind, &**txn, state, &rows, false).await?,
            None => self.write(kind, &self.kite.db, state, &rows, true).await?,
        };
        for (row, failure) in &failures {
            state.failure(*row, failure.clone());
        }
        state.counts.rows = last_row;
        let Some(txn) = txn else { return Ok(()) };
        if !failures.is_empty() {
            let failed = failures
                .into_iter()
                .map(|(row, (field, message))| import_failure::ActiveModel {
                    import_id: Set(self.import.id),
                    row_number: Set(i64::try_from(row).unwrap_or(i64::MAX)),
                    cells: Set(json!(cells_of(&rows, row)).to_string()),
                    reason: Set(format!("{field}: {message}")),
                });
            import_failure::Entity::insert_many(failed)
                .on_conflict(
                    OnConflict::columns([import_failure::Column::ImportId, import_failure::Column::RowNumber])
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&*txn)
                .await?;
        }
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        import::Entity::update_many()
            .col_expr(import::Column::RowsDone, Expr::value(count(last_row)))
            .col_expr(import::Column::CreatedCount, Expr::value(count(state.counts.created)))
            .col_expr(import::Column::UpdatedCount, Expr::value(count(state.counts.updated)))
            .col_expr(import::Column::SkippedCount, Expr::value(count(state.counts.skipped)))
            .col_expr(import::Column::FailedCount, Expr::value(count(state.counts.failed)))
            .col_expr(import::Column::Errors, Expr::value(json!(state.errors).to_string()))
            .col_expr(import::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(import::Column::Id.eq(self.import.id))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        self.refresh_statistics::<K>(state).await?;
        Ok(())
    }

    /// The rows of a batch decided and (unless `dry_run`) written; the rows that failed.
    async fn write<K: RecordImport, C: ConnectionTrait>(
        &self,
        kind: &K,
        conn: &C,
        state: &mut RunState,
        rows: &[Row],
        dry_run: bool,
    ) -> Result<Vec<(u64, RowFailure)>, CoreError> {
        let mut custom: HashMap<u64, ValueChange> = HashMap::new();
        let read = rows
            .iter()
            .map(|(n, cells)| {
                let row = K::READ(&self.mapping, cells, self.width, &self.users).and_then(|row| {
                    custom.insert(*n, self.custom.read(cells, &self.users)?);
                    Ok(row)
                });
                (*n, row)
            })
            .collect();
        let (known, ready) = kind.look_up(self, conn, state, read, dry_run).await?;
        let origin = self.origin();
        let mut failures = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        let mut extras = K::Extras::default();
        let mut creates = Vec::new();
        let mut tagged: Vec<(Uuid, Vec<String>)> = Vec::new();
        let (mut valued_new, mut valued_changed) = (Vec::new(), Vec::new());
        for (number, ready) in ready {
            let row = match ready {
                Ok(row) => row,
                Err(failure) => {
                    failures.push((number, failure));
                    continue;
                }
            };
            let key = kind.key(&row);
            let in_file = key
                .as_ref()
                .is_some_and(|k| keys.contains(k) || (dry_run && state.seen.contains(&key_hash(k))));
            let values = custom.remove(&number).unwrap_or_default();
            let mut decision = self.decide::<K>(kind.existing(&known, &row), in_file, key.is_some());
            if let (Decision::Create, Some(failure)) = (&decision, self.custom.missing_on_create(&values)) {
                decision = Decision::Fail(failure);
            }
            match decision {
                Decision::Fail(failure) => failures.push((number, failure)),
                Decision::Skip => state.counts.skipped += 1,
                Decision::Create => {
                    state.counts.created += 1;
                    if let Some(key) = key {
                        if dry_run {
                            state.seen.insert(key_hash(&key));
                        }
                        keys.insert(key);
                    }
                    if dry_run {
                        continue;
                    }
                    let id = Uuid::now_v7();
                    if let Some(tags) = K::tags(&row) {
                        tagged.push((id, tags.clone()));
                    }
                    if !values.is_empty() {
                        valued_new.push((id, values));
                    }
                    creates.push(kind.create(self, conn, &mut extras, state, (id, row), &origin).await?);
                }
                Decision::Update(found) => {
                    if let Some(failure) = kind.refuse_update(&known, found, &row) {
                        failures.push((number, failure));
                        continue;
                    }
                    state.counts.updated += 1;
                    if dry_run {
                        continue;
                    }
                    let id = K::Entity::id(found);
                    if let Some(tags) = K::tags(&row) {
                        tagged.push((id, tags.clone()));
                    }
                    self.remember::<K>(conn, found).await?;
                    if !values.is_empty() {
                        valued_changed.push((id, values));
                    }
                    let change = kind.update(self, &mut extras, state, found, row, origin.at);
                    save::<K::Entity>(conn, id, change).await?;
                }
            }
        }
        if dry_run {
            return Ok(failures);
        }
        for chunk in creates.chunks(INSERT_ROWS) {
            K::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
        kind.finish(conn, extras).await?;
        self.tag(conn, K::Entity::KIND, tagged).await?;
        custom_values::store_imported(conn, self.import.organization_id, &valued_new, &valued_changed).await?;
        let organization = self.import.organization_id;
        self.kite.counts.invalidate(organization, K::Entity::KIND.plural());
        if K::NAMES_COMPANIES {
            self.kite.counts.invalidate(organization, crate::crm::companies::KIND);
        }
        Ok(failures)
    }

    /// What a row does given the record it is (if any), whether an earlier row of the
    /// file makes the same record, and whether it has a key.
    fn decide<'k, K: RecordImport>(
        &self,
        found: Option<&'k Model<K>>,
        in_file: bool,
        keyed: bool,
    ) -> Decision<'k, Model<K>> {
        match (found, in_file, self.duplicates) {
            (None, false, _) => Decision::Create,
            (_, _, DuplicateMode::Create) => match K::DUPLICATE {
                Some((field, message)) if keyed => Decision::Fail((field.into(), message.into())),
                _ => Decision::Create,
            },
            (Some(found), _, DuplicateMode::Update) if !self.may_edit(K::Entity::owner(found)) => Decision::Fail((
                "owner".into(),
                format!("You can only update {} you own.", K::Entity::KIND.plural()),
            )),
            (Some(found), _, DuplicateMode::Update) => Decision::Update(found),
            // A duplicate the import skips, or a later row for a record this file
            // creates: the first row wins.
            _ => Decision::Skip,
        }
    }

    /// PostgreSQL plans the duplicate lookups from table statistics; a table that grew
    /// from nothing during the import would still be planned as empty (a sequential scan
    /// per batch), so the statistics are refreshed as the import grows it: at 5,000
    /// records, then each time it has made four times as many (an ANALYZE of a large
    /// table costs a few hundred milliseconds).
    async fn refresh_statistics<K: RecordImport>(&self, state: &mut RunState) -> Result<(), CoreError> {
        if self.kite.db.get_database_backend() != sea_orm::DatabaseBackend::Postgres
            || state.counts.created < Ord::max(state.analyze_at, 5000)
        {
            return Ok(());
        }
        state.analyze_at = state.counts.created.saturating_mul(4);
        let mut tables = format!("ANALYZE {}", K::Entity::default().table_name());
        if K::NAMES_COMPANIES {
            tables.push_str("; ANALYZE companies");
        }
        self.kite.db.execute_unprepared(&tables).await?;
        Ok(())
    }

    /// Keeps a record's state before this import first changed it, with its tags.
    async fn remember<K: RecordImport>(&self, conn: &impl ConnectionTrait, found: &Model<K>) -> Result<(), CoreError> {
        let id = K::Entity::id(found);
        let before = Snapshot {
            record: K::before(found),
            tags: tags::names_of_one(conn, id).await?,
            custom_fields: Some(
                custom_values::of_record(conn, self.import.organization_id, self.custom.entity, id).await?,
            ),
        };
        import_change::Entity::insert(import_change::ActiveModel {
            import_id: Set(self.import.id),
            record_id: Set(id),
            before: Set(before.write()?),
        })
        .on_conflict(
            OnConflict::columns([import_change::Column::ImportId, import_change::Column::RecordId])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
        Ok(())
    }

    /// Puts each row's tags on its record (added to the tags it has).
    async fn tag(
        &self,
        conn: &impl ConnectionTrait,
        kind: kite_shared::crm::notes::RecordKind,
        tagged: Vec<(Uuid, Vec<String>)>,
    ) -> Result<(), CoreError> {
        if tagged.is_empty() {
            return Ok(());
        }
        let names: Vec<String> = tagged.iter().flat_map(|(_, t)| t.iter().cloned()).collect();
        let found = tags::ensure(conn, self.import.organization_id, &names).await?;
        let mut by_tag: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (record, names) in tagged {
            for name in names {
                if let Some(tag) = found
                    .iter()
                    .find(|t| t.name.to_lowercase() == kite_shared::crm::tags::normalize_tag(&name).to_lowercase())
                {
                    by_tag.entry(tag.id).or_default().push(record);
                }
            }
        }
        for (tag, records) in by_tag {
            tags::link(conn, self.import.organization_id, kind, tag, &records).await?;
        }
        Ok(())
    }
}

/// Writes the columns an edit changed, if any.
async fn save<E: CrmEntity>(conn: &impl ConnectionTrait, id: Uuid, row: E::ActiveModel) -> Result<(), CoreError> {
    if row.is_changed() {
        E::update_many().set(row).filter(E::id_col().eq(id)).exec(conn).await?;
    }
    Ok(())
}

/// Undoes an import: trashes what it created and puts back what it updated, in the
/// caller's transaction.
pub(super) async fn undo<K: RecordImport>(
    conn: &impl ConnectionTrait,
    import: &import::Model,
) -> Result<(u64, u64), CoreError> {
    let entity = kite_shared::imports::ImportEntity::parse(&import.entity)
        .unwrap_or(kite_shared::imports::ImportEntity::Contacts);
    let custom_entity = super::custom::entity_of(entity);
    let changes = import_change::Entity::find()
        .filter(import_change::Column::ImportId.eq(import.id))
        .all(conn)
        .await?;
    // Every snapshot is read before anything is written: one that cannot be read stops
    // the undo before it has changed anything.
    let snapshots = changes
        .iter()
        .map(Snapshot::<K::Before>::read)
        .collect::<Result<Vec<_>, _>>()?;
    let now = Utc::now();
    let removed = trash_created::<K::Entity>(conn, import.id, now).await?;
    if K::NAMES_COMPANIES {
        trash_created::<company::Entity>(conn, import.id, now).await?;
    }
    let mut restored = 0;
    for (change, snapshot) in changes.iter().zip(snapshots) {
        let existing = K::Entity::find()
            .filter(K::Entity::id_col().eq(change.record_id))
            .one(conn)
            .await?;
        if let Some(existing) = existing {
            save::<K::Entity>(conn, change.record_id, K::restore(&existing, snapshot.record, now)).await?;
        }
        tags::replace(
            conn,
            import.organization_id,
            K::Entity::KIND,
            change.record_id,
            &snapshot.tags,
        )
        .await?;
        if let Some(saved) = &snapshot.custom_fields {
            custom_values::restore(conn, import.organization_id, custom_entity, change.record_id, saved).await?;
        }
        restored += 1;
    }
    Ok((removed, restored))
}

async fn trash_created<E: CrmEntity>(
    conn: &impl ConnectionTrait,
    import_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, CoreError> {
    Ok(E::update_many()
        .col_expr(E::deleted_col(), Expr::value(Some(now)))
        .filter(E::import_col().eq(import_id))
        .filter(E::deleted_col().is_null())
        .exec(conn)
        .await?
        .rows_affected)
}
