//! `--insights`: one retraining of the seeded organization's scoring models (which
//! rescores every contact and open deal), timed from the request to the job's end, then
//! the contacts list sorted by score and filtered to hot leads at the given concurrency.

use crate::{Scenario, cursors, json, percentile, run};
use anyhow::{Context, Result, bail};
use reqwest::{Client, Method};
use serde_json::json as body;
use std::time::{Duration, Instant};

/// Longer than a full rescoring may take on this machine before the bench gives up.
const TRAINING_LIMIT: Duration = Duration::from_secs(600);

pub async fn insights(
    client: &Client,
    base: &str,
    token: &str,
    concurrency: usize,
    requests: usize,
    label: &str,
) -> Result<()> {
    let started = Instant::now();
    let job = json(
        client,
        Method::POST,
        format!("{base}/insights/models/train"),
        token,
        Some(body!({})),
    )
    .await?;
    let id = job["id"].as_str().context("a training job")?.to_owned();
    let finished = loop {
        let job = json(client, Method::GET, format!("{base}/jobs/{id}"), token, None).await?;
        match job["status"].as_str() {
            Some("succeeded") => break job,
            Some("failed" | "cancelled") => bail!("training failed: {job}"),
            _ if started.elapsed() > TRAINING_LIMIT => bail!("training still running after {TRAINING_LIMIT:?}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    let wall = started.elapsed().as_secs_f64();
    println!("| {label} scoring | method | closed deals learnt from | records scored | training ms |");
    println!("|---|---|---|---|---|");
    let trained = finished["result"].as_array().cloned().unwrap_or_default();
    for subject in &trained {
        println!(
            "| {} | {} | {} | {} | {} |",
            subject["subject"].as_str().unwrap_or("?"),
            subject["method"].as_str().unwrap_or("?"),
            subject["rows"],
            subject["scored"],
            subject["training_ms"],
        );
    }
    let scored: u64 = trained.iter().filter_map(|s| s["scored"].as_u64()).sum();
    println!();
    println!("Retrained and rescored {scored} records in {wall:.1} s (request to job end).");
    println!();

    const HOT: &str = "/contacts?per_page=50&sort=-score&min_score=40";
    let pages = cursors(client, base, token, HOT, 20).await?;
    let scenario = Scenario {
        name: "contacts by score (50, min_score=40)",
        method: Method::GET,
        request: Box::new(move |i| match &pages[i % pages.len()] {
            Some(cursor) => (format!("{HOT}&cursor={cursor}"), None),
            None => (HOT.to_owned(), None),
        }),
    };
    run(client, base, token, &scenario, concurrency, requests.min(100)).await?;
    let started = Instant::now();
    let timings = run(client, base, token, &scenario, concurrency, requests).await?;
    println!("| {label} scenario | requests | concurrency | median ms | p99 ms | req/s |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {} | {} | {} | {:.1} | {:.1} | {:.0} |",
        scenario.name,
        timings.len(),
        concurrency,
        percentile(&timings, 50.0).as_secs_f64() * 1000.0,
        percentile(&timings, 99.0).as_secs_f64() * 1000.0,
        timings.len() as f64 / started.elapsed().as_secs_f64()
    );
    Ok(())
}
