//! Imports of contacts and companies from CSV and spreadsheet files: upload and
//! inspect, map columns to fields, dry run, run as a job, report, failed rows, undo.

mod companies;
mod contacts;
mod custom;
mod deals;
mod engine;
pub mod files;
mod kinds;
mod lookups;
mod reading;
mod rows;
mod snapshot;

use crate::audit::{self, Actor, Event};
use crate::blobs::{Area, BlobError, BlobKey, StagedBlob};
use crate::jobs::{JobPayload, NewJob};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite};
use chrono::Utc;
use custom::CustomColumns;
use engine::{RunState, Runner};
use files::FileError;
use kinds::Kind;
use kite_entity::{import, import_failure, user};
use kite_shared::imports::{
    DryRunReport, DuplicateMode, FieldOption, ImportColumn, ImportCounts, ImportDto, ImportEntity,
    ImportMappingRequest, ImportStatus, ImportUploaded, suggest_field,
};
use kite_shared::jobs::JobStarted;
use kite_shared::page::{Page, PageQuery};
use kite_shared::{FieldError, Permission, UserId};
use reading::{Chunk, inspect, read_batches};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use uuid::Uuid;

/// The job kind that runs an import.
pub const RUN_IMPORT: &str = "import.run";

/// The job that runs an import.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RunImportPayload {
    pub import_id: Uuid,
}

impl JobPayload for RunImportPayload {
    const KIND: &'static str = RUN_IMPORT;
}

/// A file the server received, already on disk.
pub struct Upload {
    pub file_name: String,
    /// From [`ImportService::receive`].
    pub file: StagedBlob,
    pub entity: ImportEntity,
    pub sheet: Option<String>,
}

/// Told after every batch of a run; false stops the run (cancelled or taken over).
#[async_trait::async_trait]
pub trait Checkpoint: Send + Sync {
    async fn reached(&self, rows_done: u64, rows_total: Option<u64>) -> bool;
}

pub enum Outcome {
    Finished(ImportCounts),
    Stopped,
}

impl From<FileError> for CoreError {
    fn from(error: FileError) -> Self {
        match error {
            FileError::Io(e) => CoreError::Internal(e.to_string()),
            FileError::EmptySheet { .. } => CoreError::field("sheet", "empty_sheet", &error.to_string()),
            other => CoreError::field("file", "invalid_file", &other.to_string()),
        }
    }
}

fn import_dto(row: &import::Model) -> ImportDto {
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    ImportDto {
        id: row.id,
        entity: ImportEntity::parse(&row.entity).unwrap_or(ImportEntity::Contacts),
        status: ImportStatus::parse(&row.status),
        file_name: row.file_name.clone(),
        format: row.format.clone(),
        mapping: serde_json::from_str(&row.mapping).unwrap_or_default(),
        duplicates: DuplicateMode::parse(&row.duplicates),
        counts: ImportCounts {
            rows: row.rows_total.map_or(0, count),
            created: count(row.created_count),
            updated: count(row.updated_count),
            skipped: count(row.skipped_count),
            failed: count(row.failed_count),
        },
        rows_done: count(row.rows_done),
        errors: serde_json::from_str(&row.errors).unwrap_or_default(),
        job_id: row.job_id,
        created_by: row.created_by.map(UserId),
        created_at: row.created_at,
        finished_at: row.finished_at,
    }
}

pub struct ImportService<'a> {
    kite: &'a Kite,
}

impl<'a> ImportService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    /// The uploaded file of an import, as a local file to read.
    async fn path_of(&self, row: &import::Model) -> Result<PathBuf, CoreError> {
        let key = BlobKey::new(Area::Imports, row.stored_name.clone())?;
        self.kite.blobs.local_path(&key).await.map_err(|error| match error {
            BlobError::NotFound => CoreError::Gone("The uploaded file of this import is no longer kept."),
            other => other.into(),
        })
    }

    /// Where an upload is received. The permission is checked first, so a caller who may
    /// not import never gets a byte onto the disk.
    pub async fn receive(&self, ctx: &Ctx) -> Result<StagedBlob, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        Ok(self.kite.blobs.stage(Area::Imports).await?)
    }

    async fn find(&self, ctx: &Ctx, id: Uuid) -> Result<import::Model, CoreError> {
        import::Entity::find_by_id(id)
            .filter(import::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("import"))
    }

    /// Keeps the uploaded file, reads its columns and first rows, and suggests a mapping.
    pub async fn create(&self, ctx: &Ctx, upload: Upload) -> Result<ImportUploaded, CoreError> {
        ctx.require(Permission::EditOwnRecords)?;
        let id = Uuid::now_v7();
        let stored_name = id.simple().to_string();
        let key = BlobKey::new(Area::Imports, stored_name.clone())?;
        self.kite.blobs.keep(upload.file, &key).await?;
        let stored = self.kite.blobs.local_path(&key).await?;
        let (path, name, sheet) = (stored, upload.file_name.clone(), upload.sheet.clone());
        let inspected = tokio::task::spawn_blocking(move || inspect(&path, &name, sheet))
            .await
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        let inspected = match inspected {
            Ok(inspected) => inspected,
            Err(error) => {
                let _ = self.kite.blobs.remove(&key).await;
                return Err(error.into());
            }
        };
        let custom_fields = custom::live(&self.kite.db, ctx.organization_id.into_uuid(), upload.entity).await?;
        let suggested: BTreeMap<String, String> = {
            let mut taken = Vec::new();
            inspected
                .headers
                .iter()
                .filter_map(|h| {
                    let field = suggest_field(upload.entity, h)
                        .map(str::to_owned)
                        .or_else(|| custom::suggest(&custom_fields, h))?;
                    // Two columns never map to one field: the first wins.
                    (!taken.contains(&field)).then(|| {
                        taken.push(field.clone());
                        (h.clone(), field)
                    })
                })
                .collect()
        };
        let now = Utc::now();
        let file_name: String = upload.file_name.chars().take(255).collect();
        import::ActiveModel {
            id: Set(id),
            organization_id: Set(ctx.organization_id.into_uuid()),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            entity: Set(upload.entity.as_str().to_owned()),
            status: Set(ImportStatus::Uploaded.as_str().to_owned()),
            file_name: Set(file_name.clone()),
            stored_name: Set(stored_name),
            format: Set(inspected.format.as_str().to_owned()),
            sheet: Set(inspected.sheet.clone()),
            encoding: Set(inspected.dialect.map(|d| d.encoding_name())),
            delimiter: Set(inspected.dialect.map(|d| (d.delimiter as char).to_string())),
            headers: Set(json!(inspected.headers).to_string()),
            mapping: Set(json!(suggested).to_string()),
            duplicates: Set(DuplicateMode::Skip.as_str().to_owned()),
            rows_total: Set(Some(i64::try_from(inspected.rows).unwrap_or(i64::MAX))),
            rows_done: Set(0),
            created_count: Set(0),
            updated_count: Set(0),
            skipped_count: Set(0),
            failed_count: Set(0),
            errors: Set("[]".into()),
            job_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            finished_at: Set(None),
        }
        .insert(&self.kite.db)
        .await?;
        let columns = inspected
            .headers
            .iter()
            .enumerate()
            .map(|(i, name)| ImportColumn {
                name: name.clone(),
                samples: inspected
                    .preview
                    .iter()
                    .filter_map(|row| row.get(i).map(|c| c.trim().to_owned()).filter(|c| !c.is_empty()))
                    .take(3)
                    .collect(),
            })
            .collect();
        Ok(ImportUploaded {
            id,
            entity: upload.entity,
            file_name,
            format: inspected.format.as_str().to_owned(),
            sheets: inspected.sheets,
            sheet: inspected.sheet,
            encoding: inspected.dialect.map(|d| d.encoding_name()),
            delimiter: inspected.dialect.map(|d| (d.delimiter as char).to_string()),
            columns,
            preview_rows: inspected.preview,
            suggested_mapping: suggested,
            fields: upload
                .entity
                .fields()
                .iter()
                .map(FieldOption::from)
                .chain(custom::options(&custom_fields))
                .collect(),
        })
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<ImportDto, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        Ok(import_dto(&self.find(ctx, id).await?))
    }

    /// The organization's imports, newest first.
    pub async fn list(&self, ctx: &Ctx, page: &PageQuery) -> Result<Page<ImportDto>, CoreError> {
        ctx.require(Permission::ReadRecords)?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::fixed(
            "imports",
            "created_at",
            import::Column::CreatedAt,
            true,
            import::Column::Id,
        )?;
        let imports = import::Entity::find().filter(import::Column::OrganizationId.eq(ctx.organization_id.into_uuid()));
        Ok(paging::page(self.kite, imports, &order, &request, Total::Exact)
            .await?
            .map(|row| import_dto(&row)))
    }

    fn check_owner(&self, ctx: &Ctx, row: &import::Model) -> Result<(), CoreError> {
        if row.created_by != Some(ctx.user_id.into_uuid()) {
            ctx.require(Permission::EditAllRecords)?;
        }
        Ok(())
    }

    pub async fn set_mapping(
        &self,
        ctx: &Ctx,
        id: Uuid,
        request: &ImportMappingRequest,
    ) -> Result<ImportDto, CoreError> {
        let row = self.find(ctx, id).await?;
        self.check_owner(ctx, &row)?;
        let status = ImportStatus::parse(&row.status);
        if !matches!(status, ImportStatus::Uploaded | ImportStatus::Mapped) {
            return Err(CoreError::Conflict {
                code: "import_started",
                message: "This import has already run.".into(),
                field: None,
                details: None,
            });
        }
        let entity = ImportEntity::parse(&row.entity).unwrap_or(ImportEntity::Contacts);
        let headers: Vec<String> = serde_json::from_str(&row.headers).unwrap_or_default();
        let custom_fields = custom::live(&self.kite.db, row.organization_id, entity).await?;
        let mut errors = Vec::new();
        let mut used: HashMap<&str, &str> = HashMap::new();
        let mapping: BTreeMap<String, String> = request
            .mapping
            .iter()
            .filter(|(_, field)| !field.is_empty())
            .map(|(c, f)| (c.clone(), f.clone()))
            .collect();
        for (column, field) in &mapping {
            if !headers.contains(column) {
                errors.push(FieldError::new(
                    &format!("mapping.{column}"),
                    "unknown_column",
                    "The file has no such column.",
                ));
            } else if !entity.fields().iter().any(|f| f.key == field) && !custom::is_mapping_key(&custom_fields, field)
            {
                errors.push(FieldError::new(
                    &format!("mapping.{column}"),
                    "unknown_field",
                    "Choose one of the listed fields.",
                ));
            } else if let Some(other) = used.insert(field, column) {
                errors.push(FieldError::new(
                    &format!("mapping.{column}"),
                    "field_taken",
                    format!("The column \"{other}\" already maps to this field."),
                ));
            }
        }
        let required: &[&[&str]] = match entity {
            ImportEntity::Contacts => &[&["first_name", "last_name", "full_name", "email"]],
            ImportEntity::Companies => &[&["name"]],
            ImportEntity::Deals => &[&["title"]],
        };
        for any_of in required {
            if !any_of.iter().any(|f| used.contains_key(f)) {
                errors.push(FieldError::new(
                    "mapping",
                    "required",
                    format!("Map a column to {}.", any_of.join(" or ")),
                ));
            }
        }
        CoreError::validation(errors)?;
        import::Entity::update_many()
            .col_expr(import::Column::Mapping, Expr::value(json!(mapping).to_string()))
            .col_expr(import::Column::Duplicates, Expr::value(request.duplicates.as_str()))
            .col_expr(import::Column::Status, Expr::value(ImportStatus::Mapped.as_str()))
            .col_expr(import::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(import::Column::Id.eq(id))
            .exec(&self.kite.db)
            .await?;
        self.get(ctx, id).await
    }

    fn require_mapped(row: &import::Model) -> Result<(), CoreError> {
        if ImportStatus::parse(&row.status) == ImportStatus::Mapped {
            Ok(())
        } else {
            Err(CoreError::Conflict {
                code: "import_not_ready",
                message: "Map the columns first (and an import runs once).".into(),
                field: None,
                details: None,
            })
        }
    }

    async fn runner(&self, ctx: Ctx, row: import::Model) -> Result<(Runner<'a>, Kind), CoreError> {
        let entity = ImportEntity::parse(&row.entity).unwrap_or(ImportEntity::Contacts);
        let headers: Vec<String> = serde_json::from_str(&row.headers).unwrap_or_default();
        let mapping: BTreeMap<String, String> = serde_json::from_str(&row.mapping).unwrap_or_default();
        let mut users = user::Entity::find()
            .filter(user::Column::OrganizationId.eq(row.organization_id))
            .filter(user::Column::Active.eq(true));
        if !ctx.role.can(Permission::EditAllRecords) {
            // Reps import records they own, like every record they create.
            users = users.filter(user::Column::Id.eq(ctx.user_id.into_uuid()));
        }
        let users = users
            .all(&self.kite.db)
            .await?
            .into_iter()
            .map(|u| (u.email.to_lowercase(), u.id))
            .collect();
        let kind = Kind::load(&self.kite.db, &row, entity).await?;
        let runner = Runner {
            kite: self.kite,
            ctx,
            mapping: rows::Mapping::new(entity, &headers, &mapping),
            custom: CustomColumns::new(
                entity,
                custom::live(&self.kite.db, row.organization_id, entity).await?,
                &headers,
                &mapping,
            ),
            width: headers.len(),
            duplicates: DuplicateMode::parse(&row.duplicates),
            users,
            import: row,
        };
        Ok((runner, kind))
    }

    /// Validates every row and says what a run would do, writing nothing.
    pub async fn dry_run(&self, ctx: &Ctx, id: Uuid) -> Result<DryRunReport, CoreError> {
        let row = self.find(ctx, id).await?;
        self.check_owner(ctx, &row)?;
        Self::require_mapped(&row)?;
        let path = self.path_of(&row).await?;
        let mut batches = read_batches(&row, path, 0);
        let (runner, kind) = self.runner(ctx.clone(), row).await?;
        let mut state = RunState::default();
        while let Some(chunk) = batches.recv().await {
            match chunk {
                Chunk::Rows(rows) => kind.batch(&runner, &mut state, rows, true).await?,
                Chunk::Failed(error) => return Err(error.into()),
            }
        }
        Ok(DryRunReport {
            counts: state.counts,
            errors_by_field: state.errors_by_field,
            errors: state.errors,
        })
    }

    /// Starts the import as a job (once: running it again gives the same job).
    pub async fn run(&self, ctx: &Ctx, id: Uuid) -> Result<JobStarted, CoreError> {
        let row = self.find(ctx, id).await?;
        self.check_owner(ctx, &row)?;
        if let Some(job_id) = row.job_id {
            return Ok(JobStarted { job_id });
        }
        Self::require_mapped(&row)?;
        let txn = self.kite.begin().await?;
        let job = self
            .kite
            .queue()
            .enqueue(
                &*txn,
                NewJob::of(&RunImportPayload { import_id: id })
                    .for_ctx(ctx)
                    .idempotency_key(format!("import:{id}")),
            )
            .await?;
        import::Entity::update_many()
            .col_expr(import::Column::Status, Expr::value(ImportStatus::Running.as_str()))
            .col_expr(import::Column::JobId, Expr::value(job.id))
            .col_expr(import::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(import::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        Ok(JobStarted { job_id: job.id })
    }

    /// The job's work: every row after those already committed, batch by batch.
    pub async fn execute(&self, id: Uuid, checkpoint: &dyn Checkpoint) -> Result<Outcome, CoreError> {
        let row = import::Entity::find_by_id(id)
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("import"))?;
        if ImportStatus::parse(&row.status) != ImportStatus::Running {
            return Ok(Outcome::Finished(RunState::resumed(&row).counts));
        }
        let ctx = Ctx::of_user(&self.kite.db, row.organization_id, row.created_by, "created_by").await?;
        let total = row.rows_total.and_then(|t| u64::try_from(t).ok());
        let skip = u64::try_from(row.rows_done).unwrap_or(0);
        let mut state = RunState::resumed(&row);
        let mut batches = read_batches(&row, self.path_of(&row).await?, skip);
        let (runner, kind) = self.runner(ctx.clone(), row).await?;
        if !checkpoint.reached(skip, total).await {
            return Ok(Outcome::Stopped);
        }
        while let Some(chunk) = batches.recv().await {
            match chunk {
                Chunk::Rows(rows) => kind.batch(&runner, &mut state, rows, false).await?,
                Chunk::Failed(error) => return Err(error.into()),
            }
            if !checkpoint.reached(state.counts.rows, total).await {
                return Ok(Outcome::Stopped);
            }
        }
        let txn = self.kite.begin().await?;
        import::Entity::update_many()
            .col_expr(import::Column::Status, Expr::value(ImportStatus::Done.as_str()))
            .col_expr(import::Column::FinishedAt, Expr::value(Utc::now()))
            .filter(import::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
        audit::record(
            &*txn,
            &Actor::from(&ctx),
            Event::new("import.completed", "import", id).after(json!(state.counts)),
        )
        .await?;
        txn.commit().await?;
        Ok(Outcome::Finished(state.counts))
    }

    /// Records how a run ended when it did not finish: cancelled runs are undone, so a
    /// cancelled import leaves nothing behind; failed ones can be undone by the user.
    pub async fn stopped(&self, id: Uuid, status: ImportStatus) -> Result<(), CoreError> {
        let Some(row) = import::Entity::find_by_id(id).one(&self.kite.db).await? else {
            return Ok(());
        };
        let txn = self.kite.begin().await?;
        if status == ImportStatus::Cancelled {
            kinds::undo(
                &*txn,
                &row,
                ImportEntity::parse(&row.entity).unwrap_or(ImportEntity::Contacts),
            )
            .await?;
        }
        import::Entity::update_many()
            .col_expr(import::Column::Status, Expr::value(status.as_str()))
            .col_expr(import::Column::FinishedAt, Expr::value(Utc::now()))
            .filter(import::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Trashes what the import created and puts back what it updated.
    pub async fn undo(&self, ctx: &Ctx, id: Uuid) -> Result<ImportDto, CoreError> {
        let row = self.find(ctx, id).await?;
        self.check_owner(ctx, &row)?;
        if !matches!(
            ImportStatus::parse(&row.status),
            ImportStatus::Done | ImportStatus::Failed
        ) {
            return Err(CoreError::Conflict {
                code: "import_not_undoable",
                message: "Only a finished import can be undone, once.".into(),
                field: None,
                details: None,
            });
        }
        let entity = ImportEntity::parse(&row.entity).unwrap_or(ImportEntity::Contacts);
        let txn = self.kite.begin().await?;
        // All of the undo is in this one transaction: a step that fails leaves everything
        // (records, tags and the import's status) as it was.
        let (removed, restored) = kinds::undo(&*txn, &row, entity).await?;
        import::Entity::update_many()
            .col_expr(import::Column::Status, Expr::value(ImportStatus::Undone.as_str()))
            .col_expr(import::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(import::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("import.undone", "import", id).after(json!({"removed": removed, "restored": restored})),
        )
        .await?;
        txn.commit().await?;
        for kind in [entity.as_str(), crate::crm::companies::KIND] {
            self.kite.counts.invalidate(row.organization_id, kind);
        }
        self.get(ctx, id).await
    }

    /// The rows that failed as CSV: the file's columns plus the reason.
    pub async fn failed_rows_csv(&self, ctx: &Ctx, id: Uuid) -> Result<Vec<u8>, CoreError> {
        let row = self.find(ctx, id).await?;
        let headers: Vec<String> = serde_json::from_str(&row.headers).unwrap_or_default();
        let failures = import_failure::Entity::find()
            .filter(import_failure::Column::ImportId.eq(id))
            .order_by_asc(import_failure::Column::RowNumber)
            .all(&self.kite.db)
            .await?;
        let mut writer = csv::Writer::from_writer(Vec::new());
        let write = |writer: &mut csv::Writer<Vec<u8>>, record: Vec<String>| {
            writer
                .write_record(record)
                .map_err(|e| CoreError::Internal(e.to_string()))
        };
        let mut header = vec!["Row".to_owned()];
        header.extend(headers.iter().cloned());
        header.push("Error".into());
        write(&mut writer, header)?;
        for failure in failures {
            let cells: Vec<String> = serde_json::from_str(&failure.cells).unwrap_or_default();
            let mut record = vec![failure.row_number.to_string()];
            record.extend((0..headers.len()).map(|i| cells.get(i).cloned().unwrap_or_default()));
            record.push(failure.reason);
            write(&mut writer, record)?;
        }
        writer.into_inner().map_err(|e| CoreError::Internal(e.to_string()))
    }
}
