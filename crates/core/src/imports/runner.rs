//! Runs an import's rows in batches. A real run commits each batch together with the
//! import's counters and the number of rows done, so a run that is interrupted (the
//! server killed) resumes after its last batch and never writes a row twice. A dry
//! run takes the same decisions without writing.

use super::rows::{self, Mapping, Prepared, RowFailure};
use crate::crm::records::{self, CrmEntity};
use crate::crm::{companies, contacts, tags};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use kite_entity::{company, contact, deal, import, import_change, import_failure};
use kite_shared::crm::companies::{CompanyInput, normalize_domain};
use kite_shared::crm::contacts::{ContactInput, LifecycleStage};
use kite_shared::crm::notes::RecordKind;
use kite_shared::imports::{DuplicateMode, ImportCounts, ImportEntity, RowError};
use kite_shared::validation::normalize_email;
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, IntoActiveModel, QueryFilter, Set,
};
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

#[derive(Default)]
pub struct RunState {
    pub counts: ImportCounts,
    pub errors: Vec<RowError>,
    pub errors_by_field: BTreeMap<String, u64>,
    /// Companies by lower-cased name, found or created so far.
    pub(super) companies: HashMap<String, Uuid>,
    /// Keys of records a dry run would have created, to spot duplicates within the file.
    pub(super) seen: HashSet<u64>,
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

    pub(super) fn failure(&mut self, row: u64, (field, message): RowFailure) {
        self.counts.failed += 1;
        *self.errors_by_field.entry(field.clone()).or_default() += 1;
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(RowError { row, field, message });
        }
    }
}

/// The cells of row `row`, for the failed-rows file.
fn cells_of(rows: &[super::files::Row], row: u64) -> Vec<String> {
    rows.iter()
        .find(|(n, _)| *n == row)
        .map(|(_, c)| c.clone())
        .unwrap_or_default()
}

pub(super) fn key_hash(key: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

pub struct Runner<'a> {
    pub kite: &'a Kite,
    pub import: import::Model,
    /// The import's creator: their permissions and ownership apply.
    pub ctx: Ctx,
    pub entity: ImportEntity,
    pub mapping: Mapping,
    pub width: usize,
    pub duplicates: DuplicateMode,
    /// Active users by lower-cased email, for the owner column.
    pub users: HashMap<String, Uuid>,
    /// Read for deal imports only.
    pub pipelines: super::deals::Pipelines,
}

enum Decision<I> {
    Create(I),
    Update(Uuid, I),
    Skip,
    Fail(RowFailure),
}

impl Runner<'_> {
    /// Reps change only what they own, in an import as anywhere else.
    pub(super) fn may_edit(&self, owner: Option<Uuid>) -> bool {
        crate::crm::access::require_edit(&self.ctx, owner).is_ok()
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

    /// Decides (and in a real run, writes) one batch of rows.
    pub async fn batch(
        &self,
        state: &mut RunState,
        rows: Vec<super::files::Row>,
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
        let conn: &sea_orm::DatabaseConnection = &self.kite.db;
        let mut failures: Vec<(u64, Vec<String>, RowFailure)> = Vec::new();
        match self.entity {
            ImportEntity::Contacts => {
                let prepared: Vec<_> = rows
                    .iter()
                    .map(|(n, cells)| (*n, rows::contact(&self.mapping, cells, self.width, &self.users)))
                    .collect();
                match &txn {
                    Some(txn) => {
                        self.contacts(&**txn, state, prepared, &rows, &mut failures, false)
                            .await?
                    }
                    None => self.contacts(conn, state, prepared, &rows, &mut failures, true).await?,
                }
            }
            ImportEntity::Companies => {
                let prepared: Vec<_> = rows
                    .iter()
                    .map(|(n, cells)| (*n, rows::company(&self.mapping, cells, self.width, &self.users)))
                    .collect();
                match &txn {
                    Some(txn) => {
                        self.companies(&**txn, state, prepared, &rows, &mut failures, false)
                            .await?
                    }
                    None => {
                        self.companies(conn, state, prepared, &rows, &mut failures, true)
                            .await?
                    }
                }
            }
            ImportEntity::Deals => {
                let prepared: Vec<_> = rows
                    .iter()
                    .map(|(n, cells)| (*n, rows::deal(&self.mapping, cells, self.width, &self.users)))
                    .collect();
                let mut failed = Vec::new();
                match &txn {
                    Some(txn) => self.deals(&**txn, state, prepared, &mut failed, false).await?,
                    None => self.deals(conn, state, prepared, &mut failed, true).await?,
                }
                failures.extend(
                    failed
                        .into_iter()
                        .map(|(row, failure)| (row, cells_of(&rows, row), failure)),
                );
            }
        }
        for (row, _, failure) in &failures {
            state.failure(*row, failure.clone());
        }
        state.counts.rows = last_row;
        let Some(txn) = txn else { return Ok(()) };
        if !failures.is_empty() {
            let rows = failures
                .into_iter()
                .map(|(row, cells, (field, message))| import_failure::ActiveModel {
                    import_id: Set(self.import.id),
                    row_number: Set(i64::try_from(row).unwrap_or(i64::MAX)),
                    cells: Set(json!(cells).to_string()),
                    reason: Set(format!("{field}: {message}")),
                });
            import_failure::Entity::insert_many(rows)
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
        self.refresh_statistics(state).await?;
        Ok(())
    }

    /// PostgreSQL plans the duplicate lookups from table statistics; a table that grew
    /// from nothing during the import would still be planned as empty (a sequential scan
    /// per batch), so the statistics are refreshed as the import grows it: at 5,000
    /// records, then each time it has made four times as many (an ANALYZE of a large
    /// table costs a few hundred milliseconds).
    async fn refresh_statistics(&self, state: &mut RunState) -> Result<(), CoreError> {
        if self.kite.db.get_database_backend() != sea_orm::DatabaseBackend::Postgres
            || state.counts.created < Ord::max(state.analyze_at, 5000)
        {
            return Ok(());
        }
        state.analyze_at = state.counts.created.saturating_mul(4);
        let tables = match self.entity {
            ImportEntity::Contacts => "ANALYZE contacts; ANALYZE companies",
            ImportEntity::Companies => "ANALYZE companies",
            ImportEntity::Deals => "ANALYZE deals; ANALYZE companies",
        };
        self.kite.db.execute_unprepared(tables).await?;
        Ok(())
    }

    /// Finds (or, in a real run, creates) the companies named in a batch.
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
        let now = Utc::now();
        let mut created = Vec::new();
        for (lower, name) in wanted {
            let id = Uuid::now_v7();
            state.companies.insert(lower, id);
            created.push(company::ActiveModel {
                id: Set(id),
                organization_id: Set(self.import.organization_id),
                name: Set(name),
                domain: Set(None),
                industry: Set(None),
                size: Set(None),
                phone: Set(None),
                address: Set(None),
                website: Set(None),
                owner_id: Set(Some(self.ctx.user_id.into_uuid())),
                notes: Set(None),
                created_by: Set(Some(self.ctx.user_id.into_uuid())),
                created_at: Set(now),
                updated_at: Set(now),
                deleted_at: Set(None),
                merged_into_id: Set(None),
                import_id: Set(Some(self.import.id)),
            });
        }
        if !dry_run && !created.is_empty() {
            company::Entity::insert_many(created)
                .exec_without_returning(conn)
                .await?;
        }
        Ok(())
    }

    async fn contacts(
        &self,
        conn: &impl ConnectionTrait,
        state: &mut RunState,
        prepared: Vec<(u64, Result<Prepared<ContactInput>, RowFailure>)>,
        rows: &[super::files::Row],
        failures: &mut Vec<(u64, Vec<String>, RowFailure)>,
        dry_run: bool,
    ) -> Result<(), CoreError> {
        let email_of = |p: &Prepared<ContactInput>| p.input.email.as_deref().map(normalize_email);
        let ok = || prepared.iter().filter_map(|(_, p)| p.as_ref().ok());
        let by_email = self
            .live_contacts_by_email(conn, ok().filter_map(email_of).collect())
            .await?;
        let by_id = self
            .live_by_id::<contact::Entity>(conn, ok().filter_map(|p| p.id).collect())
            .await?;
        self.company_ids(conn, state, ok().filter_map(|p| p.company.clone()), dry_run)
            .await?;

        let mut decisions: Vec<(u64, Decision<Prepared<ContactInput>>)> = Vec::new();
        let mut batch_emails: HashSet<String> = HashSet::new();
        for (row, prepared) in prepared {
            let prepared = match prepared {
                Ok(p) => p,
                Err(failure) => {
                    decisions.push((row, Decision::Fail(failure)));
                    continue;
                }
            };
            let email = email_of(&prepared);
            let existing = prepared
                .id
                .and_then(|id| by_id.get(&id))
                .or_else(|| email.as_ref().and_then(|e| by_email.get(e)));
            let in_file = email
                .as_ref()
                .is_some_and(|e| batch_emails.contains(e) || (dry_run && state.seen.contains(&key_hash(e))));
            let decision = match (existing, in_file, self.duplicates) {
                (None, false, _) => Decision::Create(prepared),
                (_, _, DuplicateMode::Skip) => Decision::Skip,
                (Some(found), _, DuplicateMode::Update) if !self.may_edit(found.owner_id) => {
                    Decision::Fail(("owner".into(), "You can only update contacts you own.".into()))
                }
                (Some(found), _, DuplicateMode::Update) => Decision::Update(found.id, prepared),
                // A later row for a contact this file creates: the first row wins.
                (None, true, DuplicateMode::Update) => Decision::Skip,
                (_, _, DuplicateMode::Create) if email.is_some() => {
                    Decision::Fail(("email".into(), "Another contact already has this email.".into()))
                }
                (_, _, DuplicateMode::Create) => Decision::Create(Prepared { id: None, ..prepared }),
            };
            if let (Decision::Create(_), Some(email)) = (&decision, &email) {
                batch_emails.insert(email.clone());
                if dry_run {
                    state.seen.insert(key_hash(email));
                }
            }
            decisions.push((row, decision));
        }

        let now = Utc::now();
        let mut creates = Vec::new();
        let mut tagged: Vec<(Uuid, Vec<String>)> = Vec::new();
        for (row, decision) in decisions {
            match decision {
                Decision::Fail(failure) => {
                    failures.push((row, cells_of(rows, row), failure));
                }
                Decision::Skip => state.counts.skipped += 1,
                Decision::Create(p) => {
                    state.counts.created += 1;
                    let id = Uuid::now_v7();
                    let company_id = p
                        .company
                        .as_ref()
                        .and_then(|c| state.companies.get(&c.to_lowercase()).copied());
                    if let Some(tags) = &p.input.tags {
                        tagged.push((id, tags.clone()));
                    }
                    creates.push(self.new_contact(id, p.input, company_id, now));
                }
                Decision::Update(id, p) => {
                    state.counts.updated += 1;
                    if dry_run {
                        continue;
                    }
                    let company_id = p
                        .company
                        .as_ref()
                        .and_then(|c| state.companies.get(&c.to_lowercase()).copied());
                    if let Some(tags) = &p.input.tags {
                        tagged.push((id, tags.clone()));
                    }
                    if let Some(found) = by_id.values().chain(by_email.values()).find(|c| c.id == id) {
                        self.update_contact(conn, found, p.input, company_id).await?;
                    }
                }
            }
        }
        if dry_run {
            return Ok(());
        }
        for chunk in creates.chunks(INSERT_ROWS) {
            contact::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
        self.tag(conn, RecordKind::Contact, tagged).await?;
        self.kite.counts.invalidate(self.import.organization_id, contacts::KIND);
        self.kite
            .counts
            .invalidate(self.import.organization_id, companies::KIND);
        Ok(())
    }

    fn new_contact(
        &self,
        id: Uuid,
        input: ContactInput,
        company_id: Option<Uuid>,
        now: chrono::DateTime<Utc>,
    ) -> contact::ActiveModel {
        let me = self.ctx.user_id.into_uuid();
        contact::ActiveModel {
            id: Set(id),
            organization_id: Set(self.import.organization_id),
            first_name: Set(input.first_name.trim().to_owned()),
            last_name: Set(input.last_name.trim().to_owned()),
            email: Set(input.email.as_deref().map(normalize_email)),
            other_emails: Set(json!(
                input
                    .other_emails
                    .iter()
                    .map(|e| normalize_email(e))
                    .collect::<Vec<_>>()
            )
            .to_string()),
            phone: Set(input.phone),
            other_phones: Set(json!(input.other_phones).to_string()),
            title: Set(input.title),
            company_id: Set(company_id),
            owner_id: Set(Some(input.owner_id.map_or(me, |o| o.into_uuid()))),
            lifecycle_stage: Set(input
                .lifecycle_stage
                .unwrap_or(LifecycleStage::Lead)
                .as_str()
                .to_owned()),
            source: Set(input.source),
            created_by: Set(Some(me)),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            merged_into_id: Set(None),
            import_id: Set(Some(self.import.id)),
        }
    }

    /// Overwrites the fields the row gives (empty cells leave a field as it is) and
    /// keeps the record as it was for undo.
    async fn update_contact(
        &self,
        conn: &impl ConnectionTrait,
        found: &contact::Model,
        input: ContactInput,
        company_id: Option<Uuid>,
    ) -> Result<(), CoreError> {
        self.remember(
            conn,
            found.id,
            serde_json::to_value(contacts::contact_dto(found, None)).unwrap_or_default(),
        )
        .await?;
        let mut row = found.clone().into_active_model();
        if !input.first_name.is_empty() {
            row.first_name = Set(input.first_name);
        }
        if !input.last_name.is_empty() {
            row.last_name = Set(input.last_name);
        }
        if let Some(email) = input.email {
            row.email = Set(Some(normalize_email(&email)));
        }
        if !input.other_emails.is_empty() {
            row.other_emails = Set(json!(input.other_emails).to_string());
        }
        if input.phone.is_some() {
            row.phone = Set(input.phone);
        }
        if !input.other_phones.is_empty() {
            row.other_phones = Set(json!(input.other_phones).to_string());
        }
        if input.title.is_some() {
            row.title = Set(input.title);
        }
        if company_id.is_some() {
            row.company_id = Set(company_id);
        }
        if let Some(owner) = input.owner_id {
            row.owner_id = Set(Some(owner.into_uuid()));
        }
        if let Some(stage) = input.lifecycle_stage {
            row.lifecycle_stage = Set(stage.as_str().to_owned());
        }
        if input.source.is_some() {
            row.source = Set(input.source);
        }
        if row.is_changed() {
            row.updated_at = Set(Utc::now());
            row.update(conn).await?;
        }
        Ok(())
    }

    async fn companies(
        &self,
        conn: &impl ConnectionTrait,
        state: &mut RunState,
        prepared: Vec<(u64, Result<Prepared<CompanyInput>, RowFailure>)>,
        rows: &[super::files::Row],
        failures: &mut Vec<(u64, Vec<String>, RowFailure)>,
        dry_run: bool,
    ) -> Result<(), CoreError> {
        let domain_of = |p: &Prepared<CompanyInput>| p.input.domain.as_deref().and_then(normalize_domain);
        let ok = || prepared.iter().filter_map(|(_, p)| p.as_ref().ok());
        let mut known: Vec<company::Model> = self
            .live_by_id::<company::Entity>(conn, ok().filter_map(|p| p.id).collect())
            .await?
            .into_values()
            .collect();
        let domains: Vec<String> = ok().filter_map(domain_of).collect();
        if !domains.is_empty() {
            known.extend(
                records::live::<company::Entity>(&self.ctx)
                    .filter(company::Column::Domain.is_in(domains))
                    .all(conn)
                    .await?,
            );
        }
        let names: Vec<String> = ok().map(|p| p.input.name.trim().to_lowercase()).collect();
        if !names.is_empty() {
            let lower_name = Func::lower(Expr::col(company::Column::Name));
            known.extend(
                records::live::<company::Entity>(&self.ctx)
                    .filter(Expr::expr(lower_name).is_in(names))
                    .all(conn)
                    .await?,
            );
        }
        let mut batch_keys: HashSet<String> = HashSet::new();
        let now = Utc::now();
        let mut creates = Vec::new();
        let mut tagged: Vec<(Uuid, Vec<String>)> = Vec::new();
        for (row, prepared) in prepared {
            let p = match prepared {
                Ok(p) => p,
                Err(failure) => {
                    failures.push((row, cells_of(rows, row), failure));
                    continue;
                }
            };
            let domain = domain_of(&p);
            let name = p.input.name.trim().to_lowercase();
            // A company is the one with its id, else its domain, else its name.
            let existing =
                p.id.and_then(|id| known.iter().find(|c| c.id == id))
                    .or_else(|| {
                        domain
                            .as_ref()
                            .and_then(|d| known.iter().find(|c| c.domain.as_ref() == Some(d)))
                    })
                    .or_else(|| {
                        known
                            .iter()
                            .find(|c| c.domain.is_none() && c.name.to_lowercase() == name)
                    });
            let key = domain.clone().unwrap_or_else(|| format!("name:{name}"));
            let in_file = batch_keys.contains(&key) || (dry_run && state.seen.contains(&key_hash(&key)));
            match (existing, in_file, self.duplicates) {
                (None, false, _) | (_, _, DuplicateMode::Create) => {
                    state.counts.created += 1;
                    batch_keys.insert(key.clone());
                    if dry_run {
                        state.seen.insert(key_hash(&key));
                        continue;
                    }
                    let id = Uuid::now_v7();
                    state.companies.insert(name, id);
                    if let Some(tags) = &p.input.tags {
                        tagged.push((id, tags.clone()));
                    }
                    creates.push(self.new_company(id, p.input, now));
                }
                (Some(found), _, DuplicateMode::Update) if !self.may_edit(found.owner_id) => {
                    failures.push((
                        row,
                        cells_of(rows, row),
                        ("owner".into(), "You can only update companies you own.".into()),
                    ));
                }
                (Some(found), _, DuplicateMode::Update) => {
                    state.counts.updated += 1;
                    if dry_run {
                        continue;
                    }
                    if let Some(tags) = &p.input.tags {
                        tagged.push((found.id, tags.clone()));
                    }
                    self.update_company(conn, found, p.input).await?;
                }
                _ => state.counts.skipped += 1,
            }
        }
        if dry_run {
            return Ok(());
        }
        for chunk in creates.chunks(INSERT_ROWS) {
            company::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(conn)
                .await?;
        }
        self.tag(conn, RecordKind::Company, tagged).await?;
        self.kite
            .counts
            .invalidate(self.import.organization_id, companies::KIND);
        Ok(())
    }

    fn new_company(&self, id: Uuid, input: CompanyInput, now: chrono::DateTime<Utc>) -> company::ActiveModel {
        let me = self.ctx.user_id.into_uuid();
        company::ActiveModel {
            id: Set(id),
            organization_id: Set(self.import.organization_id),
            name: Set(input.name.trim().to_owned()),
            domain: Set(input.domain.as_deref().and_then(normalize_domain)),
            industry: Set(input.industry),
            size: Set(input.size),
            phone: Set(input.phone),
            address: Set(input.address),
            website: Set(input.website),
            owner_id: Set(Some(input.owner_id.map_or(me, |o| o.into_uuid()))),
            notes: Set(input.notes),
            created_by: Set(Some(me)),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            merged_into_id: Set(None),
            import_id: Set(Some(self.import.id)),
        }
    }

    async fn update_company(
        &self,
        conn: &impl ConnectionTrait,
        found: &company::Model,
        input: CompanyInput,
    ) -> Result<(), CoreError> {
        self.remember(
            conn,
            found.id,
            serde_json::to_value(companies::company_dto(found, Vec::new())).unwrap_or_default(),
        )
        .await?;
        let mut row = found.clone().into_active_model();
        if !input.name.trim().is_empty() {
            row.name = Set(input.name.trim().to_owned());
        }
        if let Some(domain) = input.domain.as_deref().and_then(normalize_domain) {
            row.domain = Set(Some(domain));
        }
        for (value, column) in [
            (input.industry, &mut row.industry),
            (input.size, &mut row.size),
            (input.phone, &mut row.phone),
            (input.address, &mut row.address),
            (input.website, &mut row.website),
            (input.notes, &mut row.notes),
        ] {
            if value.is_some() {
                *column = Set(value);
            }
        }
        if let Some(owner) = input.owner_id {
            row.owner_id = Set(Some(owner.into_uuid()));
        }
        if row.is_changed() {
            row.updated_at = Set(Utc::now());
            row.update(conn).await?;
        }
        Ok(())
    }

    /// Keeps a record's state before this import first changed it, with its tags.
    pub(super) async fn remember(
        &self,
        conn: &impl ConnectionTrait,
        id: Uuid,
        before: serde_json::Value,
    ) -> Result<(), CoreError> {
        let before = tags::annotate(before, &tags::names_of_one(conn, id).await?);
        import_change::Entity::insert(import_change::ActiveModel {
            import_id: Set(self.import.id),
            record_id: Set(id),
            before: Set(before.to_string()),
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
    pub(super) async fn tag(
        &self,
        conn: &impl ConnectionTrait,
        kind: RecordKind,
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

/// Undoes an import: trashes what it created and puts back what it updated.
pub(crate) async fn undo(
    conn: &impl ConnectionTrait,
    import: &import::Model,
    entity: ImportEntity,
) -> Result<(u64, u64), CoreError> {
    let now = Utc::now();
    let removed = match entity {
        ImportEntity::Contacts => {
            trash_created::<contact::Entity>(conn, import.id, contact::Column::ImportId, now).await?
        }
        ImportEntity::Companies => {
            trash_created::<company::Entity>(conn, import.id, company::Column::ImportId, now).await?
        }
        ImportEntity::Deals => trash_created::<deal::Entity>(conn, import.id, deal::Column::ImportId, now).await?,
    };
    // Contacts and deals may have brought new companies along.
    if entity != ImportEntity::Companies {
        trash_created::<company::Entity>(conn, import.id, company::Column::ImportId, now).await?;
    }
    let changes = import_change::Entity::find()
        .filter(import_change::Column::ImportId.eq(import.id))
        .all(conn)
        .await?;
    let mut restored = 0;
    for change in changes {
        let before: serde_json::Value = serde_json::from_str(&change.before).unwrap_or_default();
        let text = |key: &str| before[key].as_str().map(str::to_owned);
        let list = |key: &str| json!(before[key].as_array().cloned().unwrap_or_default()).to_string();
        let uuid = |key: &str| text(key).and_then(|s| s.parse::<Uuid>().ok());
        match entity {
            ImportEntity::Contacts => {
                contact::Entity::update_many()
                    .col_expr(
                        contact::Column::FirstName,
                        Expr::value(text("first_name").unwrap_or_default()),
                    )
                    .col_expr(
                        contact::Column::LastName,
                        Expr::value(text("last_name").unwrap_or_default()),
                    )
                    .col_expr(contact::Column::Email, Expr::value(text("email")))
                    .col_expr(contact::Column::OtherEmails, Expr::value(list("other_emails")))
                    .col_expr(contact::Column::Phone, Expr::value(text("phone")))
                    .col_expr(contact::Column::OtherPhones, Expr::value(list("other_phones")))
                    .col_expr(contact::Column::Title, Expr::value(text("title")))
                    .col_expr(contact::Column::CompanyId, Expr::value(uuid("company_id")))
                    .col_expr(contact::Column::OwnerId, Expr::value(uuid("owner_id")))
                    .col_expr(
                        contact::Column::LifecycleStage,
                        Expr::value(text("lifecycle_stage").unwrap_or_else(|| "lead".into())),
                    )
                    .col_expr(contact::Column::Source, Expr::value(text("source")))
                    .col_expr(contact::Column::UpdatedAt, Expr::value(now))
                    .filter(contact::Column::Id.eq(change.record_id))
                    .exec(conn)
                    .await?;
            }
            ImportEntity::Companies => {
                company::Entity::update_many()
                    .col_expr(company::Column::Name, Expr::value(text("name").unwrap_or_default()))
                    .col_expr(company::Column::Domain, Expr::value(text("domain")))
                    .col_expr(company::Column::Industry, Expr::value(text("industry")))
                    .col_expr(company::Column::Size, Expr::value(text("size")))
                    .col_expr(company::Column::Phone, Expr::value(text("phone")))
                    .col_expr(company::Column::Address, Expr::value(text("address")))
                    .col_expr(company::Column::Website, Expr::value(text("website")))
                    .col_expr(company::Column::OwnerId, Expr::value(uuid("owner_id")))
                    .col_expr(company::Column::Notes, Expr::value(text("notes")))
                    .col_expr(company::Column::UpdatedAt, Expr::value(now))
                    .filter(company::Column::Id.eq(change.record_id))
                    .exec(conn)
                    .await?;
            }
            ImportEntity::Deals => super::deals::restore(conn, change.record_id, &before, now).await?,
        }
        let names: Vec<String> = before["tags"]
            .as_array()
            .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        let kind = match entity {
            ImportEntity::Contacts => RecordKind::Contact,
            ImportEntity::Companies => RecordKind::Company,
            ImportEntity::Deals => RecordKind::Deal,
        };
        tags::replace(conn, import.organization_id, kind, change.record_id, &names).await?;
        restored += 1;
    }
    Ok((removed, restored))
}

async fn trash_created<E: CrmEntity>(
    conn: &impl ConnectionTrait,
    import_id: Uuid,
    column: E::Column,
    now: chrono::DateTime<Utc>,
) -> Result<u64, CoreError> {
    Ok(E::update_many()
        .col_expr(E::deleted_col(), Expr::value(Some(now)))
        .filter(column.eq(import_id))
        .filter(E::deleted_col().is_null())
        .exec(conn)
        .await?
        .rows_affected)
}
