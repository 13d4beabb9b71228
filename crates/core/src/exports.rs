//! Exports of any list (with its filters and sort) as CSV or XLSX, in columns the
//! importer recognises, so an export imported back in update mode changes nothing.

use crate::audit::{self, Actor, Event};
use crate::crm::custom_fields::values as custom_values;
use crate::crm::listing;
use crate::paging::PageRequest;
use crate::{CoreError, Ctx, Kite};
use kite_entity::{company, contact, deal, pipeline, stage, user};
use kite_shared::Permission;
use kite_shared::analytics::tables::ReportTable;
use kite_shared::crm::companies::CompanyListQuery;
use kite_shared::crm::contacts::ContactListQuery;
use kite_shared::crm::custom_fields::{CustomFieldDto, CustomFieldEntity};
use kite_shared::crm::custom_values::CustomValues;
use kite_shared::crm::deals::DealListQuery;
use kite_shared::crm::money::amount_text;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

/// What to export: a list and its query.
pub enum ExportQuery {
    Contacts(ContactListQuery),
    Companies(CompanyListQuery),
    Deals(DealListQuery),
}

impl ExportQuery {
    pub fn name(&self) -> &'static str {
        match self {
            ExportQuery::Contacts(_) => "contacts",
            ExportQuery::Companies(_) => "companies",
            ExportQuery::Deals(_) => "deals",
        }
    }

    fn custom_entity(&self) -> CustomFieldEntity {
        match self {
            ExportQuery::Contacts(_) => CustomFieldEntity::Contact,
            ExportQuery::Companies(_) => CustomFieldEntity::Company,
            ExportQuery::Deals(_) => CustomFieldEntity::Deal,
        }
    }

    /// Titles of the built-in columns: the import's field labels, so they map back by
    /// themselves.
    fn built_in_headers(&self) -> &'static [&'static str] {
        match self {
            ExportQuery::Contacts(_) => &[
                "Kite id",
                "First name",
                "Last name",
                "Email",
                "Other emails",
                "Phone",
                "Other phones",
                "Job title",
                "Company",
                "Lifecycle stage",
                "Source",
                "Owner (email)",
                "Tags",
                "Created at",
            ],
            ExportQuery::Companies(_) => &[
                "Kite id",
                "Name",
                "Domain",
                "Website",
                "Industry",
                "Size",
                "Phone",
                "Address",
                "Owner (email)",
                "Notes",
                "Tags",
                "Created at",
            ],
            ExportQuery::Deals(_) => &[
                "Kite id",
                "Title",
                "Value",
                "Currency",
                "Pipeline",
                "Stage",
                "Status",
                "Expected close",
                "Probability",
                "Company",
                "Owner (email)",
                "Lost reason",
                "Tags",
                "Created at",
            ],
        }
    }
}

/// Guards spreadsheet users against formula injection: a cell that a spreadsheet would
/// run as a formula gets a leading apostrophe (the importer takes it off again).
pub fn escape_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}

/// The original value of a cell [`escape_cell`] protected.
pub fn unescape_cell(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => value,
    }
}

fn opt(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

pub struct ExportService<'a> {
    kite: &'a Kite,
}

impl<'a> ExportService<'a> {
    pub(crate) fn new(kite: &'a Kite) -> Self {
        Self { kite }
    }

    async fn owners(&self, ctx: &Ctx) -> Result<HashMap<Uuid, String>, CoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::OrganizationId.eq(ctx.organization_id.into_uuid()))
            .all(&self.kite.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect())
    }

    /// The custom fields the export has a column for, after the built-in columns.
    async fn custom_fields(&self, ctx: &Ctx, query: &ExportQuery) -> Result<Vec<CustomFieldDto>, CoreError> {
        custom_values::fields(
            &self.kite.db,
            ctx.organization_id.into_uuid(),
            query.custom_entity(),
            false,
        )
        .await
    }

    /// Column titles: the built-in ones, then each live custom field's label.
    pub async fn headers(&self, ctx: &Ctx, query: &ExportQuery) -> Result<Vec<String>, CoreError> {
        let mut headers: Vec<String> = query.built_in_headers().iter().map(|h| (*h).to_owned()).collect();
        headers.extend(self.custom_fields(ctx, query).await?.into_iter().map(|f| f.label));
        Ok(headers)
    }

    /// Records the export in the audit log (who took which data out, with what filter).
    pub async fn start(&self, ctx: &Ctx, query: &ExportQuery, format: &str) -> Result<(), CoreError> {
        let filters = match query {
            ExportQuery::Contacts(q) => serde_json::to_value(q),
            ExportQuery::Companies(q) => serde_json::to_value(q),
            ExportQuery::Deals(q) => serde_json::to_value(q),
        }
        .unwrap_or_default();
        self.audit(ctx, query.name(), format, filters).await
    }

    /// Records a report's export in the audit log, as [`Self::start`] does a list's.
    pub async fn report_exported(
        &self,
        ctx: &Ctx,
        report: &str,
        format: &str,
        filters: serde_json::Value,
    ) -> Result<(), CoreError> {
        self.audit(ctx, report, format, filters).await
    }

    async fn audit(&self, ctx: &Ctx, what: &str, format: &str, filters: serde_json::Value) -> Result<(), CoreError> {
        ctx.require(Permission::ReadRecords)?;
        audit::record(
            &self.kite.db,
            &Actor::from(ctx),
            Event::new(&format!("{what}.exported"), what, ctx.organization_id.into_uuid())
                .after(json!({"format": format, "filters": filters})),
        )
        .await
    }

    /// The export's rows (escaped) after `cursor`, from the first without one, and the
    /// cursor of the rows that follow; none after the last. The export walks the list
    /// as the list pages (by keyset), so records added or removed while it runs never
    /// make it skip or repeat a row.
    pub async fn rows(
        &self,
        ctx: &Ctx,
        query: &ExportQuery,
        cursor: Option<String>,
    ) -> Result<(Vec<Vec<String>>, Option<String>), CoreError> {
        let paging = PageRequest::walk(cursor, self.kite.settings.export_page_rows.max(1));
        let owners = self.owners(ctx).await?;
        let owner =
            |id: Option<kite_shared::UserId>| id.and_then(|o| owners.get(&o.into_uuid()).cloned()).unwrap_or_default();
        let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let fields = self.custom_fields(ctx, query).await?;
        let custom = |values: &CustomValues| -> Vec<String> {
            fields
                .iter()
                .map(|f| custom_values::cell_text(values.get(&f.key)))
                .collect()
        };
        let (rows, next): (Vec<Vec<String>>, Option<String>) = match query {
            ExportQuery::Contacts(q) => {
                let page = listing::list::<contact::Entity>(self.kite, ctx, q, &paging).await?;
                let rows = page
                    .items
                    .into_iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            c.first_name.clone(),
                            c.last_name.clone(),
                            opt(&c.email),
                            c.other_emails.join("; "),
                            opt(&c.phone),
                            c.other_phones.join("; "),
                            opt(&c.title),
                            opt(&c.company_name),
                            c.lifecycle_stage.as_str().to_owned(),
                            opt(&c.source),
                            owner(c.owner_id),
                            c.tags.join(", "),
                            at(c.created_at),
                        ]
                        .into_iter()
                        .chain(custom(&c.custom_fields))
                        .collect()
                    })
                    .collect();
                (rows, page.next_cursor)
            }
            ExportQuery::Companies(q) => {
                let page = listing::list::<company::Entity>(self.kite, ctx, q, &paging).await?;
                let rows = page
                    .items
                    .into_iter()
                    .map(|c| {
                        vec![
                            c.id.to_string(),
                            c.name.clone(),
                            opt(&c.domain),
                            opt(&c.website),
                            opt(&c.industry),
                            opt(&c.size),
                            opt(&c.phone),
                            opt(&c.address),
                            owner(c.owner_id),
                            opt(&c.notes),
                            c.tags.join(", "),
                            at(c.created_at),
                        ]
                        .into_iter()
                        .chain(custom(&c.custom_fields))
                        .collect()
                    })
                    .collect();
                (rows, page.next_cursor)
            }
            ExportQuery::Deals(q) => {
                let page = listing::list::<deal::Entity>(self.kite, ctx, q, &paging).await?;
                let org = ctx.organization_id.into_uuid();
                let pipelines: HashMap<Uuid, String> = pipeline::Entity::find()
                    .filter(pipeline::Column::OrganizationId.eq(org))
                    .all(&self.kite.db)
                    .await?
                    .into_iter()
                    .map(|p| (p.id, p.name))
                    .collect();
                let stages: HashMap<Uuid, String> = stage::Entity::find()
                    .filter(stage::Column::OrganizationId.eq(org))
                    .all(&self.kite.db)
                    .await?
                    .into_iter()
                    .map(|s| (s.id, s.name))
                    .collect();
                let rows = page
                    .items
                    .into_iter()
                    .map(|d| {
                        vec![
                            d.id.to_string(),
                            d.title.clone(),
                            amount_text(d.value.minor),
                            d.value.currency.clone(),
                            pipelines.get(&d.pipeline_id).cloned().unwrap_or_default(),
                            stages.get(&d.stage_id).cloned().unwrap_or_default(),
                            d.status.as_str().to_owned(),
                            d.expected_close.map(|c| c.to_string()).unwrap_or_default(),
                            d.probability.to_string(),
                            opt(&d.company_name),
                            owner(d.owner_id),
                            opt(&d.lost_reason),
                            d.tags.join(", "),
                            at(d.created_at),
                        ]
                        .into_iter()
                        .chain(custom(&d.custom_fields))
                        .collect()
                    })
                    .collect();
                (rows, page.next_cursor)
            }
        };
        let escaped = rows
            .into_iter()
            .map(|row| row.iter().map(|cell| escape_cell(cell)).collect())
            .collect();
        Ok((escaped, next))
    }

    /// CSV text for rows, with the header (and a BOM, so spreadsheets read UTF-8) first.
    pub fn csv_chunk(headers: Option<&[String]>, rows: &[Vec<String>]) -> Result<Vec<u8>, CoreError> {
        let mut out = Vec::new();
        if headers.is_some() {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut writer = csv::Writer::from_writer(out);
        let fail = |e: csv::Error| CoreError::Internal(e.to_string());
        if let Some(headers) = headers {
            writer.write_record(headers).map_err(fail)?;
        }
        for row in rows {
            writer.write_record(row).map_err(fail)?;
        }
        writer.into_inner().map_err(|e| CoreError::Internal(e.to_string()))
    }

    /// The whole export as an XLSX workbook, and its number of rows. Pages go to the
    /// writer as they are read, and the sheet is written in constant memory, so only
    /// one page of rows is held at a time.
    pub async fn xlsx(&self, ctx: &Ctx, query: &ExportQuery) -> Result<(Vec<u8>, u64), CoreError> {
        let (pages, received) = tokio::sync::mpsc::channel::<Vec<Vec<String>>>(2);
        let headers = self.headers(ctx, query).await?;
        let name = query.name();
        let writer = tokio::task::spawn_blocking(move || workbook(name, &headers, received));
        let mut rows = 0u64;
        let mut cursor = None;
        loop {
            let (chunk, next) = self.rows(ctx, query, cursor).await?;
            rows += chunk.len() as u64;
            if pages.send(chunk).await.is_err() {
                break; // The writer failed; its error is returned below.
            }
            match next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        drop(pages);
        let book = writer.await.map_err(|e| CoreError::Internal(e.to_string()))??;
        Ok((book, rows))
    }
}

/// A workbook's one sheet, named, with the bold header row written.
fn sheet<'b>(
    book: &'b mut rust_xlsxwriter::Workbook,
    name: &str,
    headers: &[String],
) -> Result<&'b mut rust_xlsxwriter::Worksheet, rust_xlsxwriter::XlsxError> {
    let sheet = book.add_worksheet_with_constant_memory()?;
    sheet.set_name(name)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, column(col), header, &bold)?;
    }
    Ok(sheet)
}

fn column(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> CoreError {
    CoreError::Internal(e.to_string())
}

fn workbook(
    name: &str,
    headers: &[String],
    mut pages: tokio::sync::mpsc::Receiver<Vec<Vec<String>>>,
) -> Result<Vec<u8>, CoreError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = sheet(&mut book, name, headers).map_err(xlsx_error)?;
    let mut row_number: u32 = 1;
    while let Some(page) = pages.blocking_recv() {
        for row in page {
            for (col, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(row_number, column(col), cell).map_err(xlsx_error)?;
                }
            }
            row_number = row_number.saturating_add(1);
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// A report's table as CSV: figures as plain numbers (shares in percent, money in major
/// units), text escaped as list exports escape it.
pub fn table_csv(table: &ReportTable) -> Result<Vec<u8>, CoreError> {
    let headers = table.headers();
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell.number() {
                    Some(_) => cell.plain(),
                    None => escape_cell(&cell.plain()),
                })
                .collect()
        })
        .collect();
    let headers: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    ExportService::csv_chunk(Some(&headers), &rows)
}

/// A report's table as an XLSX workbook, figures as numbers a spreadsheet can add up.
pub fn table_xlsx(name: &str, table: &ReportTable) -> Result<Vec<u8>, CoreError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = sheet(&mut book, name, &table.headers()).map_err(xlsx_error)?;
    for (index, row) in table.rows.iter().enumerate() {
        let row_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        for (col, cell) in row.iter().enumerate() {
            match cell.number() {
                Some(number) => sheet.write_number(row_number, column(col), number),
                None if cell.plain().is_empty() => continue,
                None => sheet.write_string(row_number, column(col), escape_cell(&cell.plain())),
            }
            .map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_escaped_and_read_back() {
        for risky in ["=HYPERLINK(\"x\")", "+1 555 0100", "-2", "@SUM(A1)", "\tx", "\rx"] {
            let escaped = escape_cell(risky);
            assert!(escaped.starts_with('\''), "{risky}");
            assert_eq!(unescape_cell(&escaped), risky);
        }
        assert_eq!(escape_cell("Ada"), "Ada");
        assert_eq!(unescape_cell("'quoted"), "'quoted");
    }
}
