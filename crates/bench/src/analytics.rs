//! `--analytics`: each analytics endpoint at the given concurrency, then the default
//! dashboard as a browser loads it (the list of dashboards, then every widget's report
//! at once), timed from the first request to the last answer.

use crate::{Scenario, percentile, run};
use anyhow::{Context, Result, bail};
use reqwest::{Client, Method};
use serde_json::Value;
use std::time::Instant;

const REPORTS: [&str; 8] = [
    "summary?period=this_year&compare=true",
    "conversion?period=this_year",
    "velocity?period=this_year",
    "bottlenecks?period=this_quarter",
    "win-loss?period=this_year",
    "leaderboard?period=this_year",
    "pipeline",
    "forecast",
];

/// The request a widget makes for its source, as the SPA's dashboard does.
fn widget_path(widget: &Value) -> Option<String> {
    let period = widget["options"]["period"].as_str().unwrap_or("this_quarter");
    let report = match widget["source"].as_str()? {
        "summary" => return Some(format!("/analytics/summary?period={period}&compare=true")),
        "conversion" => "conversion",
        "velocity" => "velocity",
        "bottlenecks" => "bottlenecks",
        "win_loss" | "lost_reasons" | "won_over_time" => "win-loss",
        "leaderboard" => "leaderboard",
        "pipeline" => "pipeline",
        "forecast" => "forecast",
        "activities" => return Some("/activities?sort=-created_at&per_page=8&total=false".into()),
        "tasks" => return Some("/my-tasks".into()),
        _ => return None,
    };
    Some(format!("/analytics/{report}?period={period}"))
}

pub async fn analytics(
    client: &Client,
    base: &str,
    token: &str,
    concurrency: usize,
    requests: usize,
    warmup: usize,
    label: &str,
) -> Result<()> {
    println!("| {label} analytics | requests | concurrency | median ms | p99 ms | req/s |");
    println!("|---|---|---|---|---|---|");
    for report in REPORTS {
        let scenario = Scenario {
            name: report,
            method: Method::GET,
            request: Box::new(move |_| (format!("/analytics/{report}"), None)),
        };
        run(client, base, token, &scenario, concurrency, warmup.min(20)).await?;
        let started = Instant::now();
        let timings = run(client, base, token, &scenario, concurrency, requests).await?;
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.0} |",
            report.split('?').next().unwrap_or(report),
            timings.len(),
            concurrency,
            percentile(&timings, 50.0).as_secs_f64() * 1000.0,
            percentile(&timings, 99.0).as_secs_f64() * 1000.0,
            timings.len() as f64 / started.elapsed().as_secs_f64()
        );
    }
    let mut loads = Vec::new();
    let mut widgets = 0;
    for _ in 0..30 {
        let started = Instant::now();
        let list: Value = client
            .get(format!("{base}/dashboards"))
            .bearer_auth(token)
            .send()
            .await?
            .json()
            .await?;
        let paths: Vec<String> = list[0]["widgets"]
            .as_array()
            .context("the default dashboard")?
            .iter()
            .filter_map(widget_path)
            .collect();
        widgets = paths.len();
        let mut pending = Vec::new();
        for path in paths {
            let request = client.get(format!("{base}{path}")).bearer_auth(token).send();
            pending.push(tokio::spawn(async move {
                let response = request.await?;
                let ok = response.status().is_success();
                response.bytes().await?;
                Ok::<bool, reqwest::Error>(ok)
            }));
        }
        for widget in pending {
            if !widget.await?? {
                bail!("a widget's request failed");
            }
        }
        loads.push(started.elapsed());
    }
    loads.sort();
    println!(
        "| default dashboard ({widgets} widgets at once) | {} | {widgets} | {:.1} | {:.1} | |",
        loads.len(),
        percentile(&loads, 50.0).as_secs_f64() * 1000.0,
        percentile(&loads, 99.0).as_secs_f64() * 1000.0,
    );
    Ok(())
}
