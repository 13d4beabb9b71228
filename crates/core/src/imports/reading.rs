//! Reading an uploaded file: what an upload shows of it (sheets, columns, first rows),
//! and its rows in batches for a run.

use super::files::{self, CsvDialect, FileError, Format, Row};
use kite_entity::import;
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// Rows per batch of a run: each commits on its own.
const BATCH_ROWS: usize = 500;
const PREVIEW_ROWS: usize = 10;

/// What an upload learns about its file.
pub(super) struct Inspection {
    pub(super) format: Format,
    pub(super) sheets: Vec<String>,
    pub(super) sheet: Option<String>,
    pub(super) dialect: Option<CsvDialect>,
    pub(super) headers: Vec<String>,
    pub(super) preview: Vec<Vec<String>>,
    pub(super) rows: u64,
}

pub(super) fn inspect(path: &Path, file_name: &str, sheet: Option<String>) -> Result<Inspection, FileError> {
    let head = files::read_head(path, 64 * 1024)?;
    if head.is_empty() {
        return Err(FileError::Empty);
    }
    let format = Format::detect(file_name, &head);
    let (dialect, sheets) = match format {
        Format::Csv => (Some(files::sniff_csv(&head)?), Vec::new()),
        _ => (None, files::sheet_names(path, format)?),
    };
    let dialect_or_default = dialect.unwrap_or(CsvDialect::from_names(None, None));
    let empty = |e: &FileError| matches!(e, FileError::Empty | FileError::NoRows);
    let (sheet, SheetRows { headers, preview, rows }) = match (format, sheet) {
        (Format::Csv, _) => (None, read_rows(path, format, None, dialect_or_default)?),
        (_, Some(chosen)) => match read_rows(path, format, Some(&chosen), dialect_or_default) {
            Err(e) if empty(&e) && sheets.len() > 1 => {
                return Err(FileError::EmptySheet {
                    sheet: chosen,
                    sheets: sheets.join(", "),
                });
            }
            read => (Some(chosen), read?),
        },
        // Without a choice, the first sheet that has rows (a cover sheet is common).
        (_, None) => {
            let mut first_error = None;
            let mut found = None;
            for name in &sheets {
                match read_rows(path, format, Some(name), dialect_or_default) {
                    Ok(read) => {
                        found = Some((Some(name.clone()), read));
                        break;
                    }
                    Err(e) if empty(&e) => {
                        first_error.get_or_insert(e);
                    }
                    Err(e) => return Err(e),
                }
            }
            found.ok_or_else(|| first_error.unwrap_or(FileError::Empty))?
        }
    };
    Ok(Inspection {
        format,
        sheets,
        sheet,
        dialect,
        headers,
        preview,
        rows,
    })
}

/// What the upload shows of a file or sheet.
struct SheetRows {
    headers: Vec<String>,
    preview: Vec<Vec<String>>,
    /// Data rows (blank rows not counted).
    rows: u64,
}

fn read_rows(path: &Path, format: Format, sheet: Option<&str>, dialect: CsvDialect) -> Result<SheetRows, FileError> {
    let (headers, mut source) = files::open(path, format, sheet, dialect)?;
    let mut preview = Vec::new();
    let mut rows = 0;
    while let Some(cells) = source.next_cells()? {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows += 1;
        if preview.len() < PREVIEW_ROWS {
            preview.push(cells);
        }
    }
    if rows == 0 {
        return Err(FileError::NoRows);
    }
    Ok(SheetRows { headers, preview, rows })
}

pub(super) enum Chunk {
    Rows(Vec<Row>),
    Failed(FileError),
}

/// Reads the file on a blocking thread and hands over batches of rows after `skip`; at
/// most two batches wait in memory, so a file of any length reads in bounded memory.
pub(super) fn read_batches(import: &import::Model, path: PathBuf, skip: u64) -> mpsc::Receiver<Chunk> {
    let (sender, receiver) = mpsc::channel(2);
    let format = Format::parse(&import.format);
    let sheet = import.sheet.clone();
    let dialect = CsvDialect::from_names(import.encoding.as_deref(), import.delimiter.as_deref());
    tokio::task::spawn_blocking(move || {
        let read = || -> Result<(), FileError> {
            let (_, mut source) = files::open(&path, format, sheet.as_deref(), dialect)?;
            let mut number = 0;
            let mut batch = Vec::with_capacity(BATCH_ROWS);
            while let Some(cells) = source.next_cells()? {
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                number += 1;
                if number <= skip {
                    continue;
                }
                batch.push((number, cells));
                if batch.len() == BATCH_ROWS && sender.blocking_send(Chunk::Rows(std::mem::take(&mut batch))).is_err() {
                    return Ok(());
                }
            }
            if !batch.is_empty() {
                let _ = sender.blocking_send(Chunk::Rows(batch));
            }
            Ok(())
        };
        if let Err(error) = read() {
            let _ = sender.blocking_send(Chunk::Failed(error));
        }
    });
    receiver
}
