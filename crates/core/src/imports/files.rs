//! Reading an uploaded file as rows of text: CSV in any common delimiter and encoding,
//! and the first (or a chosen) sheet of an XLSX, XLS or ODS workbook. Malformed files
//! are refused with a reason before anything is imported.

use calamine::{Data, Reader, open_workbook_auto};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Columns a file may have; a wider one is refused (likely not a table).
pub const MAX_COLUMNS: usize = 500;
/// Characters one cell may hold; a longer cell fails its row.
pub const MAX_CELL_CHARS: usize = 32_768;
/// Uncompressed bytes a workbook may expand to, and how much larger than the file, so
/// a zip bomb is refused before it is unpacked.
const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
const MAX_PACK_RATIO: u64 = 200;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("The file is empty.")]
    Empty,
    #[error("The file has a header row but no data rows.")]
    NoRows,
    #[error("This is not a text or spreadsheet file.")]
    Binary,
    #[error("The workbook could not be read: {0}")]
    Workbook(String),
    #[error("The workbook unpacks to more than 512 MB; split it or save it as CSV.")]
    ZipBomb,
    #[error("The file has {0} columns; at most 500 are supported.")]
    TooManyColumns(usize),
    #[error("The workbook has no sheet named \"{0}\".")]
    UnknownSheet(String),
    #[error("The sheet \"{sheet}\" has no rows; the workbook's sheets are: {sheets}.")]
    EmptySheet { sheet: String, sheets: String },
    #[error("The CSV could not be read: {0}")]
    Csv(String),
    #[error("The file could not be read: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Xls,
    Ods,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }

    pub fn parse(raw: &str) -> Format {
        match raw {
            "xlsx" => Format::Xlsx,
            "xls" => Format::Xls,
            "ods" => Format::Ods,
            _ => Format::Csv,
        }
    }

    /// From the name, or from the first bytes when the name says nothing useful.
    pub fn detect(file_name: &str, head: &[u8]) -> Format {
        let lower = file_name.to_lowercase();
        let by_name = match lower.rsplit('.').next().unwrap_or_default() {
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            _ => None,
        };
        by_name.unwrap_or(if head.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            Format::Xls
        } else {
            Format::Csv
        })
    }
}

/// How to read a CSV: its encoding and delimiter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CsvDialect {
    pub encoding: &'static Encoding,
    pub delimiter: u8,
}

impl CsvDialect {
    pub fn encoding_name(&self) -> String {
        self.encoding.name().to_lowercase()
    }

    pub fn from_names(encoding: Option<&str>, delimiter: Option<&str>) -> CsvDialect {
        CsvDialect {
            encoding: encoding
                .and_then(|e| Encoding::for_label(e.as_bytes()))
                .unwrap_or(UTF_8),
            delimiter: delimiter.and_then(|d| d.bytes().next()).unwrap_or(b','),
        }
    }
}

/// Looks at the start of a CSV: UTF-8 (with or without BOM) unless its bytes are not
/// valid UTF-8, then Windows-1252 (which reads Latin-1 too); and the delimiter that
/// splits the first lines most consistently.
pub fn sniff_csv(head: &[u8]) -> Result<CsvDialect, FileError> {
    if head.is_empty() {
        return Err(FileError::Empty);
    }
    if head.contains(&0) {
        return Err(FileError::Binary);
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let encoding = match std::str::from_utf8(body) {
        Ok(_) => UTF_8,
        // A multi-byte character cut by the end of the sample is still UTF-8.
        Err(e) if e.error_len().is_none() => UTF_8,
        Err(_) => WINDOWS_1252,
    };
    let (text, _, _) = encoding.decode(body);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(20).collect();
    let delimiter = [b',', b';', b'\t', b'|']
        .into_iter()
        .max_by_key(|d| {
            let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, *d)).collect();
            let first = counts.first().copied().unwrap_or(0);
            let consistent = counts.iter().filter(|c| **c == first).count();
            (first > 0, consistent, first)
        })
        .unwrap_or(b',');
    Ok(CsvDialect { encoding, delimiter })
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    line.bytes()
        .filter(|b| {
            if *b == b'"' {
                quoted = !quoted;
            }
            !quoted && *b == delimiter
        })
        .count()
}

/// Reads up to `limit` bytes from the start of a file.
pub fn read_head(path: &Path, limit: usize) -> Result<Vec<u8>, FileError> {
    let mut head = Vec::with_capacity(limit.min(1 << 20));
    File::open(path)?.take(limit as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Refuses a workbook (a zip) that would unpack to far more than its size.
fn check_zip(path: &Path) -> Result<(), FileError> {
    let file = File::open(path)?;
    let packed = file.metadata()?.len().max(1);
    let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| FileError::Workbook(e.to_string()))?;
    let mut unpacked: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| FileError::Workbook(e.to_string()))?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    if unpacked > MAX_UNPACKED_BYTES || unpacked / packed > MAX_PACK_RATIO {
        return Err(FileError::ZipBomb);
    }
    Ok(())
}

/// The sheets of a workbook, after checking it is safe to open.
pub fn sheet_names(path: &Path, format: Format) -> Result<Vec<String>, FileError> {
    if matches!(format, Format::Xlsx | Format::Ods) {
        check_zip(path)?;
    }
    let workbook = open_workbook_auto(path).map_err(|e| FileError::Workbook(e.to_string()))?;
    Ok(workbook.sheet_names())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Whole numbers read as 42, not 42.0; others as the shortest exact text.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(at) if at.time() == chrono::NaiveTime::MIN => at.date().to_string(),
            Some(at) => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => dt.as_f64().to_string(),
        },
    }
}

/// One row as read: its number (1 = the first row after the header) and its cells.
pub type Row = (u64, Vec<String>);

/// Where the rows of a file come from.
pub enum RowSource {
    Csv(Box<csv::StringRecordsIntoIter<Box<dyn Read + Send>>>),
    Sheet(std::vec::IntoIter<Vec<String>>),
}

/// Opens a file for reading rows: the header first, then every data row.
pub fn open(
    path: &Path,
    format: Format,
    sheet: Option<&str>,
    dialect: CsvDialect,
) -> Result<(Vec<String>, RowSource), FileError> {
    let mut rows = match format {
        Format::Csv => {
            let file = BufReader::with_capacity(256 * 1024, File::open(path)?);
            let decoded: Box<dyn Read + Send> = Box::new(
                DecodeReaderBytesBuilder::new()
                    .encoding(Some(dialect.encoding))
                    .bom_override(true)
                    .build(file),
            );
            let reader = csv::ReaderBuilder::new()
                .delimiter(dialect.delimiter)
                .has_headers(false)
                .flexible(true)
                .from_reader(decoded);
            RowSource::Csv(Box::new(reader.into_records()))
        }
        _ => {
            let names = sheet_names(path, format)?;
            let name = match sheet {
                Some(wanted) => names
                    .iter()
                    .find(|n| n.as_str() == wanted)
                    .cloned()
                    .ok_or_else(|| FileError::UnknownSheet(wanted.to_owned()))?,
                None => names.first().cloned().ok_or(FileError::Empty)?,
            };
            let mut workbook = open_workbook_auto(path).map_err(|e| FileError::Workbook(e.to_string()))?;
            let range = workbook
                .worksheet_range(&name)
                .map_err(|e| FileError::Workbook(e.to_string()))?;
            let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(cell_text).collect()).collect();
            RowSource::Sheet(rows.into_iter())
        }
    };
    let header = loop {
        match rows.next_cells()? {
            Some(cells) if cells.iter().all(|c| c.trim().is_empty()) => continue,
            Some(cells) => break cells,
            None => return Err(FileError::Empty),
        }
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    let width = header.iter().rposition(|h| !h.is_empty()).map_or(0, |i| i + 1);
    if width > MAX_COLUMNS {
        return Err(FileError::TooManyColumns(width));
    }
    let mut header = header;
    header.truncate(width);
    for (i, name) in header.iter_mut().enumerate() {
        if name.is_empty() {
            *name = format!("Column {}", i + 1);
        }
    }
    Ok((header, rows))
}

impl RowSource {
    /// The next row's cells, or None at the end. A malformed CSV row is an error of
    /// the file (the csv crate recovers from most quoting mistakes itself).
    pub fn next_cells(&mut self) -> Result<Option<Vec<String>>, FileError> {
        match self {
            RowSource::Csv(records) => match records.next() {
                None => Ok(None),
                Some(Ok(record)) => Ok(Some(record.iter().map(str::to_owned).collect())),
                Some(Err(e)) => Err(FileError::Csv(e.to_string())),
            },
            RowSource::Sheet(rows) => Ok(rows.next()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_and_windows_1252_are_recognised() {
        let dialect = sniff_csv(b"Name;E-Mail\nJos\xe9;jose@example.com\n").expect("dialect");
        assert_eq!(dialect.delimiter, b';');
        assert_eq!(dialect.encoding, WINDOWS_1252);
    }

    #[test]
    fn utf8_with_bom_and_commas_inside_quotes() {
        let dialect = sniff_csv("\u{feff}name,city\n\"Doe, Jane\",Zürich\n".as_bytes()).expect("dialect");
        assert_eq!(dialect.delimiter, b',');
        assert_eq!(dialect.encoding, UTF_8);
    }

    #[test]
    fn binary_and_empty_files_are_refused() {
        assert!(matches!(sniff_csv(b"\x00\x01\x02"), Err(FileError::Binary)));
        assert!(matches!(sniff_csv(b""), Err(FileError::Empty)));
    }

    #[test]
    fn formats_come_from_the_name_then_the_bytes() {
        assert_eq!(Format::detect("leads.XLSX", b""), Format::Xlsx);
        assert_eq!(Format::detect("upload", b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(Format::detect("leads.csv", b"PK\x03\x04"), Format::Csv);
    }
}
