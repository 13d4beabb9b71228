//! Import and export timings: files of generated contacts are uploaded, mapped and run
//! as an import job (timed until the job succeeds), then the contacts are exported.

use anyhow::{Context, Result, bail};
use reqwest::Client;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const HEADER: [&str; 8] = [
    "E-Mail",
    "Vorname",
    "Nachname",
    "Firma",
    "Telefon",
    "Position",
    "Lifecycle",
    "Tags",
];

fn person(i: usize, tag: &str) -> [String; 8] {
    [
        format!("person{i}.{tag}@import.example"),
        format!("First{i}"),
        format!("Last{}", i % 9973),
        format!("Company {}", i % 5000),
        format!("+1 555 {:07}", i),
        if i.is_multiple_of(3) {
            "Buyer".into()
        } else {
            "Engineer".into()
        },
        if i.is_multiple_of(2) {
            "lead".into()
        } else {
            "customer".into()
        },
        if i.is_multiple_of(10) {
            "vip".into()
        } else {
            String::new()
        },
    ]
}

/// A CSV of `rows` contacts written to a temporary file (so a million rows never sit
/// in the benchmark's memory either).
pub fn csv_file(rows: usize, tag: &str) -> Result<std::path::PathBuf> {
    use std::io::Write;
    let path = std::env::temp_dir().join(format!("kite-bench-{tag}-{rows}.csv"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(out, "{}", HEADER.join(","))?;
    for i in 0..rows {
        writeln!(out, "{}", person(i, tag).join(","))?;
    }
    out.flush()?;
    Ok(path)
}

pub fn xlsx_file(rows: usize, tag: &str) -> Result<std::path::PathBuf> {
    let path = std::env::temp_dir().join(format!("kite-bench-{tag}-{rows}.xlsx"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory()?;
    for (col, header) in HEADER.iter().enumerate() {
        sheet.write_string(0, u16::try_from(col)?, *header)?;
    }
    for i in 0..rows {
        for (col, cell) in person(i, tag).iter().enumerate() {
            sheet.write_string(u32::try_from(i + 1)?, u16::try_from(col)?, cell)?;
        }
    }
    book.save(&path)?;
    Ok(path)
}

async fn check(response: reqwest::Response) -> Result<Value> {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("answered {status}: {body}");
    }
    Ok(body)
}

/// Uploads, maps and runs an import; the time from upload to the job's success.
pub async fn import(client: &Client, base: &str, token: &str, path: &std::path::Path) -> Result<(Duration, Value)> {
    let started = Instant::now();
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("contacts.csv")
        .to_owned();
    let bytes = tokio::fs::read(path).await?;
    let form = Form::new()
        .text("entity", "contacts")
        .part("file", Part::bytes(bytes).file_name(name));
    let uploaded = check(
        client
            .post(format!("{base}/imports"))
            .bearer_auth(token)
            .multipart(form)
            .send()
            .await?,
    )
    .await?;
    let id = uploaded["id"].as_str().context("import id")?.to_owned();
    check(
        client
            .put(format!("{base}/imports/{id}/mapping"))
            .bearer_auth(token)
            .json(&json!({"mapping": uploaded["suggested_mapping"], "duplicates": "skip"}))
            .send()
            .await?,
    )
    .await?;
    let run = check(
        client
            .post(format!("{base}/imports/{id}/run"))
            .bearer_auth(token)
            .send()
            .await?,
    )
    .await?;
    let job = run["job_id"].as_str().context("job id")?.to_owned();
    loop {
        let state = check(
            client
                .get(format!("{base}/jobs/{job}"))
                .bearer_auth(token)
                .send()
                .await?,
        )
        .await?;
        match state["status"].as_str() {
            Some("succeeded") => break,
            Some("failed" | "cancelled") => bail!("import job ended: {state}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let elapsed = started.elapsed();
    let report = check(
        client
            .get(format!("{base}/imports/{id}"))
            .bearer_auth(token)
            .send()
            .await?,
    )
    .await?;
    Ok((elapsed, report["counts"].clone()))
}

/// Downloads the whole contacts list as `format`; its time and size.
pub async fn export(client: &Client, base: &str, token: &str, format: &str) -> Result<(Duration, usize)> {
    let started = Instant::now();
    let response = client
        .get(format!("{base}/contacts/export?format={format}"))
        .bearer_auth(token)
        .send()
        .await?;
    if !response.status().is_success() {
        bail!("export answered {}", response.status());
    }
    let bytes = response.bytes().await?;
    Ok((started.elapsed(), bytes.len()))
}
