//! Scheduled exports: a list export (with its filters) that runs on a schedule through
//! the job table and is emailed to its recipients, with a run history whose files can be
//! downloaded for 30 days.
//!
//! A scheduler tick moves each due export's `next_run_at` forward with a conditional
//! update and queues its job in the same transaction, under an idempotency key made of
//! the export and the time it was due: however many servers tick, a due time runs once.

use crate::audit::{self, Actor, Event};
use crate::blobs::{Area, BlobError, BlobKey};
use crate::crm::custom_fields::filters::split_query;
use crate::exports::{ExportQuery, ExportService};
use crate::jobs::{JobPayload, NewJob};
use crate::paging::{self, Ordering, PageRequest, Total};
use crate::{CoreError, Ctx, Kite, schedules};
use chrono::{DateTime, Duration, Utc};
use kite_email::{Attachment, EmailMessage};
use kite_entity::{export_run, scheduled_export};
use kite_shared::crm::custom_values::{CustomFieldFilter, CustomFiltered};
use kite_shared::imports::ImportEntity;
use kite_shared::page::{Page, PageQuery};
use kite_shared::scheduled_exports::{
    ExportFormat, ExportRunDto, RUN_FILE_DAYS, RunStatus, Schedule, ScheduledExportDto, ScheduledExportInput,
};
use kite_shared::validation::normalize_email;
use kite_shared::{FieldError, Permission};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// The job kind that makes and sends one run.
pub const RUN_SCHEDULED_EXPORT: &str = "export.scheduled";
/// Files up to this size travel in the email; larger ones as a link to the run history.
pub const MAX_ATTACHMENT_BYTES: u64 = 10 * 1024 * 1024;

#[derive(Serialize, Deserialize)]
pub struct RunPayload {
    pub scheduled_export_id: Uuid,
}

impl JobPayload for RunPayload {
    const KIND: &'static str = RUN_SCHEDULED_EXPORT;
}

pub struct ScheduledExportService<'a> {
    kite: &'a Kite,
}

/// Schedules are set by the people who run the team: managers and admins.
fn require_manager(ctx: &Ctx) -> Result<(), CoreError> {
    ctx.require(Permission::EditAllRecords)
}

pub fn export_query(entity: ImportEntity, filters: &str) -> Result<ExportQuery, CoreError> {
    let invalid = |e: serde_urlencoded::de::Error| {
        CoreError::Validation(vec![FieldError::new(
            "filters",
            "invalid_filters",
            format!("These filters do not fit the {} list: {e}.", entity.as_str()),
        )])
    };
    let (filters, custom) = split_query(filters.trim().trim_start_matches('?'));
    fn parse<Q: serde::de::DeserializeOwned + CustomFiltered>(
        filters: &str,
        custom: Vec<CustomFieldFilter>,
    ) -> Result<Q, serde_urlencoded::de::Error> {
        Ok(serde_urlencoded::from_str::<Q>(filters)?.with_custom_filters(custom))
    }
    Ok(match entity {
        ImportEntity::Contacts => ExportQuery::Contacts(parse(&filters, custom).map_err(invalid)?),
        ImportEntity::Companies => ExportQuery::Companies(parse(&filters, custom).map_err(invalid)?),
        ImportEntity::Deals => ExportQuery::Deals(parse(&filters, custom).map_err(invalid)?),
    })
}

fn schedule_of(row: &scheduled_export::Model) -> Option<Schedule> {
    serde_json::from_str(&row.schedule).ok()
}

fn run_dto(run: &export_run::Model, now: DateTime<Utc>) -> ExportRunDto {
    ExportRunDto {
        id: run.id,
        scheduled_export_id: run.scheduled_export_id,
        status: RunStatus::parse(&run.status),
        started_at: run.started_at,
        finished_at: run.finished_at,
        rows: run.row_count.and_then(|n| u64::try_from(n).ok()),
        file_name: run.file_name.clone(),
        file_size: run.file_size.and_then(|n| u64::try_from(n).ok()),
        attached: run.attached,
        error: run.error.clone(),
        expires_at: run.expires_at,
        downloadable: RunStatus::parse(&run.status) == RunStatus::Succeeded
            && !run.file_removed
            && run.expires_at > now,
    }
}

impl<'a> ScheduledExportService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    fn dto(&self, row: scheduled_export::Model, last_run: Option<&export_run::Model>) -> ScheduledExportDto {
        let now = Utc::now();
        ScheduledExportDto {
            id: row.id,
            entity: ImportEntity::parse(&row.entity).unwrap_or(ImportEntity::Contacts),
            format: ExportFormat::parse(&row.format).unwrap_or_default(),
            schedule: schedule_of(&row).unwrap_or(Schedule {
                frequency: Default::default(),
                time: None,
                weekday: None,
                day_of_month: None,
                cron: None,
                time_zone: "UTC".into(),
            }),
            recipients: serde_json::from_str(&row.recipients).unwrap_or_default(),
            name: row.name,
            filters: row.filters,
            enabled: row.enabled,
            next_run_at: row.next_run_at.filter(|_| row.enabled),
            last_run: last_run.map(|r| run_dto(r, now)),
            created_by: row.created_by,
            created_at: row.created_at,
        }
    }

    async fn find(&self, ctx: &Ctx, id: Uuid) -> Result<scheduled_export::Model, CoreError> {
        scheduled_export::Entity::find_by_id(id)
            .filter(scheduled_export::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(scheduled_export::Column::DeletedAt.is_null())
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("scheduled_export"))
    }

    async fn last_run(&self, id: Uuid) -> Result<Option<export_run::Model>, CoreError> {
        Ok(export_run::Entity::find()
            .filter(export_run::Column::ScheduledExportId.eq(id))
            .order_by_desc(export_run::Column::StartedAt)
            .one(&self.kite.db)
            .await?)
    }

    /// Checks an input fully (schedule, zone, cron, filters) and returns the first run.
    fn check(&self, input: &ScheduledExportInput) -> Result<Option<DateTime<Utc>>, CoreError> {
        let mut errors = input.validate();
        // The zone and cron checks only the server can make.
        let extra: Vec<FieldError> = schedules::validate(&input.schedule)
            .into_iter()
            .filter(|e| !errors.iter().any(|known| known.field == e.field))
            .collect();
        errors.extend(extra);
        if let Err(CoreError::Validation(filter_errors)) = export_query(input.entity, &input.filters) {
            errors.extend(filter_errors);
        }
        CoreError::validation(errors)?;
        Ok(schedules::next_run(&input.schedule, Utc::now()))
    }

    /// The organization's scheduled exports, by name.
    pub async fn list(&self, ctx: &Ctx, page: &PageQuery) -> Result<Page<ScheduledExportDto>, CoreError> {
        require_manager(ctx)?;
        let request = PageRequest::parse(page)?;
        let order = Ordering::fixed(
            "scheduled_exports",
            "name",
            scheduled_export::Column::Name,
            false,
            scheduled_export::Column::Id,
        )?;
        let schedules = scheduled_export::Entity::find()
            .filter(scheduled_export::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .filter(scheduled_export::Column::DeletedAt.is_null());
        let rows = paging::page(self.kite, schedules, &order, &request, Total::Exact).await?;
        let mut items = Vec::with_capacity(rows.items.len());
        for row in rows.items {
            let last = self.last_run(row.id).await?;
            items.push(self.dto(row, last.as_ref()));
        }
        Ok(Page {
            items,
            next_cursor: rows.next_cursor,
            total: rows.total,
        })
    }

    pub async fn get(&self, ctx: &Ctx, id: Uuid) -> Result<ScheduledExportDto, CoreError> {
        require_manager(ctx)?;
        let row = self.find(ctx, id).await?;
        let last = self.last_run(id).await?;
        Ok(self.dto(row, last.as_ref()))
    }

    fn recipients(input: &ScheduledExportInput) -> String {
        let mut emails: Vec<String> = input.recipients.iter().map(|e| normalize_email(e)).collect();
        emails.dedup();
        json!(emails).to_string()
    }

    pub async fn create(&self, ctx: &Ctx, input: &ScheduledExportInput) -> Result<ScheduledExportDto, CoreError> {
        require_manager(ctx)?;
        let next = self.check(input)?;
        let now = Utc::now();
        let txn = self.kite.begin().await?;
        let row = scheduled_export::ActiveModel {
            id: Set(Uuid::now_v7()),
            organization_id: Set(ctx.organization_id.into_uuid()),
            created_by: Set(Some(ctx.user_id.into_uuid())),
            name: Set(input.name.trim().to_owned()),
            entity: Set(input.entity.as_str().to_owned()),
            format: Set(input.format.as_str().to_owned()),
            filters: Set(input.filters.trim().trim_start_matches('?').to_owned()),
            schedule: Set(json!(input.schedule).to_string()),
            recipients: Set(Self::recipients(input)),
            enabled: Set(input.enabled),
            next_run_at: Set(next),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
        }
        .insert(&*txn)
        .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("scheduled_export.created", "scheduled_export", row.id).after(json!(input)),
        )
        .await?;
        txn.commit().await?;
        Ok(self.dto(row, None))
    }

    pub async fn update(
        &self,
        ctx: &Ctx,
        id: Uuid,
        input: &ScheduledExportInput,
    ) -> Result<ScheduledExportDto, CoreError> {
        require_manager(ctx)?;
        let next = self.check(input)?;
        let before = self.find(ctx, id).await?;
        let txn = self.kite.begin().await?;
        let mut row: scheduled_export::ActiveModel = before.clone().into();
        row.name = Set(input.name.trim().to_owned());
        row.entity = Set(input.entity.as_str().to_owned());
        row.format = Set(input.format.as_str().to_owned());
        row.filters = Set(input.filters.trim().trim_start_matches('?').to_owned());
        row.schedule = Set(json!(input.schedule).to_string());
        row.recipients = Set(Self::recipients(input));
        row.enabled = Set(input.enabled);
        row.next_run_at = Set(next);
        row.updated_at = Set(Utc::now());
        let after = row.update(&*txn).await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("scheduled_export.updated", "scheduled_export", id)
                .before(json!({"name": before.name, "schedule": before.schedule, "recipients": before.recipients}))
                .after(json!(input)),
        )
        .await?;
        txn.commit().await?;
        let last = self.last_run(id).await?;
        Ok(self.dto(after, last.as_ref()))
    }

    /// Stops the schedule; its runs (and their files, until they expire) stay.
    pub async fn delete(&self, ctx: &Ctx, id: Uuid) -> Result<(), CoreError> {
        require_manager(ctx)?;
        let before = self.find(ctx, id).await?;
        let txn = self.kite.begin().await?;
        scheduled_export::Entity::update_many()
            .col_expr(scheduled_export::Column::DeletedAt, Expr::value(Some(Utc::now())))
            .col_expr(
                scheduled_export::Column::NextRunAt,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(scheduled_export::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
        audit::record(
            &*txn,
            &Actor::from(ctx),
            Event::new("scheduled_export.deleted", "scheduled_export", id).before(json!({"name": before.name})),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Runs the export now, outside its schedule; the job's id follows its progress.
    pub async fn run_now(&self, ctx: &Ctx, id: Uuid) -> Result<Uuid, CoreError> {
        require_manager(ctx)?;
        let row = self.find(ctx, id).await?;
        let mut job = NewJob::of(&RunPayload {
            scheduled_export_id: id,
        });
        job.organization_id = Some(row.organization_id);
        job.created_by = Some(ctx.user_id.into_uuid());
        Ok(self.kite.queue().enqueue(&self.kite.db, job).await?.id)
    }

    /// The runs of a scheduled export, newest first.
    pub async fn runs(&self, ctx: &Ctx, id: Uuid, page: &PageQuery) -> Result<Page<ExportRunDto>, CoreError> {
        require_manager(ctx)?;
        let request = PageRequest::parse(page)?;
        self.find(ctx, id).await?;
        let order = Ordering::fixed(
            "export_runs",
            "started_at",
            export_run::Column::StartedAt,
            true,
            export_run::Column::Id,
        )?;
        let runs = export_run::Entity::find().filter(export_run::Column::ScheduledExportId.eq(id));
        let now = Utc::now();
        Ok(paging::page(self.kite, runs, &order, &request, Total::Exact)
            .await?
            .map(|r| run_dto(&r, now)))
    }

    /// The file of a run, while it is kept: its bytes and the name to download it as.
    pub async fn run_file(&self, ctx: &Ctx, run_id: Uuid) -> Result<(Vec<u8>, String), CoreError> {
        require_manager(ctx)?;
        let run = export_run::Entity::find_by_id(run_id)
            .filter(export_run::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .one(&self.kite.db)
            .await?
            .ok_or(CoreError::NotFound("export_run"))?;
        if !run_dto(&run, Utc::now()).downloadable {
            return Err(CoreError::Gone("The file of this run is no longer kept."));
        }
        let name = run.file_name.clone().unwrap_or_else(|| "export".into());
        let bytes = self
            .kite
            .blobs
            .read(&run_key(&run)?)
            .await
            .map_err(|error| match error {
                BlobError::NotFound => CoreError::Gone("The file of this run is no longer kept."),
                other => other.into(),
            })?;
        Ok((bytes, name))
    }

    /// Queues every export that is due and moves its next run on; called by the
    /// scheduler on every server. Returns how many were queued.
    pub async fn queue_due(&self, now: DateTime<Utc>) -> Result<u64, CoreError> {
        let due = scheduled_export::Entity::find()
            .filter(scheduled_export::Column::Enabled.eq(true))
            .filter(scheduled_export::Column::DeletedAt.is_null())
            .filter(scheduled_export::Column::NextRunAt.lte(now))
            .order_by_asc(scheduled_export::Column::NextRunAt)
            .limit(100)
            .all(&self.kite.db)
            .await?;
        let mut queued = 0;
        for row in due {
            let Some(due_at) = row.next_run_at else { continue };
            // Missed runs (the server was down) collapse into one run now.
            let next = schedule_of(&row).and_then(|s| schedules::next_run(&s, Ord::max(now, due_at)));
            let txn = self.kite.begin().await?;
            let moved = scheduled_export::Entity::update_many()
                .col_expr(scheduled_export::Column::NextRunAt, Expr::value(next))
                .filter(scheduled_export::Column::Id.eq(row.id))
                .filter(scheduled_export::Column::NextRunAt.eq(due_at))
                .exec(&*txn)
                .await?;
            if moved.rows_affected == 1 {
                let mut job = NewJob::of(&RunPayload {
                    scheduled_export_id: row.id,
                });
                job.organization_id = Some(row.organization_id);
                job.created_by = row.created_by;
                job.idempotency_key = Some(format!("scheduled-export:{}:{}", row.id, due_at.timestamp()));
                self.kite.queue().enqueue(&*txn, job).await?;
                queued += 1;
            }
            txn.commit().await?;
        }
        Ok(queued)
    }

    /// Deletes the files of runs older than 30 days.
    pub async fn remove_expired_files(&self, now: DateTime<Utc>) -> Result<u64, CoreError> {
        let expired = export_run::Entity::find()
            .filter(export_run::Column::FileRemoved.eq(false))
            .filter(export_run::Column::ExpiresAt.lte(now))
            .limit(500)
            .all(&self.kite.db)
            .await?;
        for run in &expired {
            self.kite.blobs.remove(&run_key(run)?).await?;
            export_run::Entity::update_many()
                .col_expr(export_run::Column::FileRemoved, Expr::value(true))
                .filter(export_run::Column::Id.eq(run.id))
                .exec(&self.kite.db)
                .await?;
        }
        Ok(expired.len() as u64)
    }

    /// Makes one run for `job_id`: writes the file, emails it, records the run. A retried
    /// job reuses its run row, which shows as failed only once no attempt is left (or
    /// the error would come back on every attempt).
    pub async fn execute(
        &self,
        job_id: Uuid,
        payload: &RunPayload,
        last_attempt: bool,
    ) -> Result<ExportRunDto, CoreError> {
        let Some(row) = scheduled_export::Entity::find_by_id(payload.scheduled_export_id)
            .filter(scheduled_export::Column::DeletedAt.is_null())
            .one(&self.kite.db)
            .await?
        else {
            return Err(CoreError::NotFound("scheduled_export"));
        };
        let now = Utc::now();
        let run = match export_run::Entity::find()
            .filter(export_run::Column::JobId.eq(job_id))
            .one(&self.kite.db)
            .await?
        {
            Some(run) => run,
            None => {
                export_run::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    organization_id: Set(row.organization_id),
                    scheduled_export_id: Set(row.id),
                    job_id: Set(job_id),
                    status: Set(RunStatus::Running.as_str().to_owned()),
                    started_at: Set(now),
                    finished_at: Set(None),
                    row_count: Set(None),
                    file_name: Set(None),
                    file_size: Set(None),
                    attached: Set(false),
                    error: Set(None),
                    expires_at: Set(now + Duration::days(RUN_FILE_DAYS)),
                    file_removed: Set(false),
                }
                .insert(&self.kite.db)
                .await?
            }
        };
        match self.make_and_send(&row, &run).await {
            Ok((rows, size, attached)) => {
                let mut done: export_run::ActiveModel = run.into();
                done.status = Set(RunStatus::Succeeded.as_str().to_owned());
                done.finished_at = Set(Some(Utc::now()));
                done.row_count = Set(Some(i64::try_from(rows).unwrap_or(i64::MAX)));
                done.file_size = Set(Some(i64::try_from(size).unwrap_or(i64::MAX)));
                done.attached = Set(attached);
                done.error = Set(None);
                let done = done.update(&self.kite.db).await?;
                Ok(run_dto(&done, Utc::now()))
            }
            Err(error) => {
                let mut failed: export_run::ActiveModel = run.into();
                if last_attempt || !error.is_transient() {
                    failed.status = Set(RunStatus::Failed.as_str().to_owned());
                    failed.finished_at = Set(Some(Utc::now()));
                }
                failed.error = Set(Some(match &error {
                    // "invalid input" would not tell the admin what to fix.
                    CoreError::Validation(errors) => {
                        errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join(" ")
                    }
                    other => other.to_string(),
                }));
                failed.update(&self.kite.db).await?;
                Err(error)
            }
        }
    }

    async fn make_and_send(
        &self,
        row: &scheduled_export::Model,
        run: &export_run::Model,
    ) -> Result<(u64, u64, bool), CoreError> {
        let ctx = Ctx::of_user(&self.kite.db, row.organization_id, row.created_by, "created_by").await?;
        let entity = ImportEntity::parse(&row.entity).unwrap_or(ImportEntity::Contacts);
        let format = ExportFormat::parse(&row.format).unwrap_or_default();
        let query = export_query(entity, &row.filters)?;
        let exports = self.kite.exports();
        exports.start(&ctx, &query, format.as_str()).await?;
        let (bytes, rows) = match format {
            ExportFormat::Xlsx => exports.xlsx(&ctx, &query).await?,
            ExportFormat::Csv => {
                let headers = exports.headers(&ctx, &query).await?;
                let mut out = ExportService::csv_chunk(Some(&headers), &[])?;
                let mut rows = 0u64;
                let mut cursor = None;
                loop {
                    let (chunk, next) = exports.rows(&ctx, &query, cursor).await?;
                    rows += chunk.len() as u64;
                    out.extend(ExportService::csv_chunk(None, &chunk)?);
                    match next {
                        Some(next) => cursor = Some(next),
                        None => break,
                    }
                }
                (out, rows)
            }
        };
        let file_name = format!(
            "{}-{}.{}",
            slug(&row.name),
            run.started_at.format("%Y-%m-%d"),
            format.as_str()
        );
        self.kite.blobs.write(&run_key(run)?, &bytes).await?;
        export_run::Entity::update_many()
            .col_expr(export_run::Column::FileName, Expr::value(file_name.clone()))
            .filter(export_run::Column::Id.eq(run.id))
            .exec(&self.kite.db)
            .await?;
        let size = bytes.len() as u64;
        let attached = size <= MAX_ATTACHMENT_BYTES;
        let link = format!(
            "{}/settings/scheduled-exports",
            self.kite.settings.public_url.trim_end_matches('/')
        );
        let recipients: Vec<String> = serde_json::from_str(&row.recipients).unwrap_or_default();
        let what = format!("{rows} {}", entity.as_str());
        let text_body = if attached {
            format!(
                "Your scheduled export \"{}\" is attached: {what}.\n\nIts run history (files kept for {RUN_FILE_DAYS} days): {link}\n",
                row.name
            )
        } else {
            format!(
                "Your scheduled export \"{}\" is ready: {what}. The file is too large for email; download it within {RUN_FILE_DAYS} days from {link}\n",
                row.name
            )
        };
        let message = EmailMessage {
            organization_id: Some(row.organization_id),
            to: recipients,
            subject: format!("Kite export: {}", row.name),
            text_body,
            html_body: None,
            category: "scheduled_export".into(),
            attachments: if attached {
                vec![Attachment {
                    filename: file_name,
                    content_type: match format {
                        ExportFormat::Csv => "text/csv".into(),
                        ExportFormat::Xlsx => {
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into()
                        }
                    },
                    content: bytes,
                }]
            } else {
                Vec::new()
            },
            ..EmailMessage::default()
        };
        self.kite.email.send(&message).await?;
        Ok((rows, size, attached))
    }
}

/// Where a run's file is kept: named by the run's id.
fn run_key(run: &export_run::Model) -> Result<BlobKey, CoreError> {
    BlobKey::new(Area::Exports, run.id.to_string())
}

/// A file name from the export's name: letters, digits and dashes.
fn slug(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    if slug.is_empty() { "export".into() } else { slug }
}
