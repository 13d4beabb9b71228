//! Drives a running Kite with concurrent requests and reports median and p99 latency per
//! scenario: the list's first 20 pages (by cursor), search, the board, and a deal move; or, with `--imports N`,
//! the wall time of importing N contacts (CSV and XLSX) and exporting them; or, with
//! `--campaign N`, a campaign to the N seeded contacts through a fake SendGrid; or, with
//! `--analytics`, the analytics endpoints and the default dashboard; or, with
//! `--insights`, a retraining of the scoring models and the list by score; or, with
//! `--webhooks N`, webhook deliveries per second to a local receiver; or, with
//! `--soak-minutes M`, a mixed workload for M minutes with the server's memory sampled.
//! `just bench` and `just soak` seed the database and start the server first.

mod analytics;
mod campaign;
mod insights;
mod io;
mod soak;
mod webhooks;

use anyhow::{Context, Result, bail};
use clap::Parser;
use reqwest::{Client, Method};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    #[arg(long, default_value = "http://127.0.0.1:8090")]
    base_url: String,
    #[arg(long, default_value = "bench@kite.example")]
    email: String,
    #[arg(long, default_value = "kite-demo-password")]
    password: String,
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Requests per scenario.
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// A label for the report (e.g. the database).
    #[arg(long, default_value = "")]
    label: String,
    /// Untimed requests per scenario first, so that connection pools have grown and
    /// caches are warm: a server's first seconds are not its steady state.
    #[arg(long, default_value_t = 100)]
    warmup: usize,
    /// Run only the scenarios whose name contains this.
    #[arg(long)]
    only: Option<String>,
    /// Instead of the latency scenarios: import this many contacts from CSV (and, unless
    /// `--csv-only`, from XLSX), then export them as CSV and XLSX.
    #[arg(long)]
    imports: Option<usize>,
    #[arg(long)]
    csv_only: bool,
    /// Instead: send a campaign to the seeded contacts (this many) through a fake
    /// SendGrid on 127.0.0.1:8091, which the server must be configured with.
    #[arg(long)]
    campaign: Option<usize>,
    /// Instead: the analytics endpoints and the default dashboard's load.
    #[arg(long)]
    analytics: bool,
    /// Instead: retrain the scoring models (rescoring every record), then the list by score.
    #[arg(long)]
    insights: bool,
    /// Instead: deliver this many test events, then this many contact changes, to a
    /// webhook receiver on 127.0.0.1 (the server must allow loopback webhooks).
    #[arg(long)]
    webhooks: Option<usize>,
    /// Instead: the soak test, a mixed workload at `--concurrency` for this many minutes.
    #[arg(long)]
    soak_minutes: Option<u64>,
    /// The server's process, whose resident memory the soak test samples.
    #[arg(long)]
    server_pid: Option<u32>,
}

struct Scenario {
    name: &'static str,
    method: Method,
    /// Builds the i-th request's path and body.
    request: Box<dyn Fn(usize) -> (String, Option<Value>) + Send + Sync>,
}

async fn json(client: &Client, method: Method, url: String, token: &str, body: Option<Value>) -> Result<Value> {
    let mut request = client.request(method, &url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status();
    let value: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!("{url} answered {status}: {value}");
    }
    Ok(value)
}

/// The cursors of the first `pages` pages of `list` (None for the first page), read by
/// walking it once: pages are reached by cursor, so a run can ask for page 17 only by
/// its cursor.
async fn cursors(client: &Client, base: &str, token: &str, list: &str, pages: usize) -> Result<Vec<Option<String>>> {
    let mut cursors = vec![None];
    while cursors.len() < pages {
        let cursor = cursors.last().cloned().flatten();
        let url = match &cursor {
            Some(c) => format!("{base}{list}&total=false&cursor={c}"),
            None => format!("{base}{list}&total=false"),
        };
        let page = json(client, Method::GET, url, token, None).await?;
        match page["next_cursor"].as_str() {
            Some(next) => cursors.push(Some(next.to_owned())),
            None => break,
        }
    }
    Ok(cursors)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

async fn run(
    client: &Client,
    base: &str,
    token: &str,
    scenario: &Scenario,
    concurrency: usize,
    requests: usize,
) -> Result<Vec<Duration>> {
    // Requests are dealt round-robin to `concurrency` workers that each send theirs in turn.
    let mut plans: Vec<Vec<(String, Option<Value>)>> = vec![Vec::new(); concurrency.max(1)];
    for i in 0..requests {
        let worker = i % plans.len();
        plans[worker].push((scenario.request)(i));
    }
    let mut workers = Vec::new();
    for plan in plans {
        let (client, token, base, method) = (
            client.clone(),
            token.to_owned(),
            base.to_owned(),
            scenario.method.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut timings = Vec::with_capacity(plan.len());
            for (path, body) in plan {
                let started = Instant::now();
                let mut request = client
                    .request(method.clone(), format!("{base}{path}"))
                    .bearer_auth(&token);
                if let Some(body) = body {
                    request = request.json(&body);
                }
                let response = request.send().await?;
                let status = response.status();
                response.bytes().await?;
                if !status.is_success() {
                    bail!("{path} answered {status}");
                }
                timings.push(started.elapsed());
            }
            Ok::<_, anyhow::Error>(timings)
        }));
    }
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await??);
    }
    all.sort();
    Ok(all)
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    let client = Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    let base = format!("{}/api/v1", args.base_url.trim_end_matches('/'));
    let login = client
        .post(format!("{base}/auth/login"))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await?
        .json::<Value>()
        .await?;
    let token = login["access_token"]
        .as_str()
        .context("login failed; was the database seeded?")?
        .to_owned();
    if let Some(recipients) = args.campaign {
        return campaign::campaign(&client, &base, &token, recipients, &args.label).await;
    }
    if args.analytics {
        return analytics::analytics(
            &client,
            &base,
            &token,
            args.concurrency,
            args.requests,
            args.warmup,
            &args.label,
        )
        .await;
    }
    if args.insights {
        return insights::insights(&client, &base, &token, args.concurrency, args.requests, &args.label).await;
    }
    if let Some(count) = args.webhooks {
        return webhooks::webhooks(&client, &base, &token, count, args.concurrency, &args.label).await;
    }
    if let Some(minutes) = args.soak_minutes {
        let soak = soak::Soak {
            client: &client,
            base: &base,
            token: &token,
            minutes,
            concurrency: args.concurrency,
            server_pid: args.server_pid,
            label: &args.label,
        };
        return soak.run().await;
    }
    if let Some(rows) = args.imports {
        return imports(&client, &base, &token, rows, args.csv_only, &args.label).await;
    }
    let board = json(&client, Method::GET, format!("{base}/board"), &token, None).await?;
    let stages: Vec<String> = board["columns"]
        .as_array()
        .context("board")?
        .iter()
        .filter_map(|c| c["stage"]["id"].as_str().map(str::to_owned))
        .collect();
    let deals: Vec<String> = board["columns"][0]["deals"]
        .as_array()
        .context("board deals")?
        .iter()
        .filter_map(|d| d["id"].as_str().map(str::to_owned))
        .collect();
    if stages.len() < 2 || deals.is_empty() {
        bail!("the seeded board has too few stages or deals");
    }
    const CONTACTS: &str = "/contacts?per_page=50&sort=-created_at&lifecycle_stage=lead";
    let pages = cursors(&client, &base, &token, CONTACTS, 20).await?;
    // The seed gives every contact a tier (one of four) and 1–100 seats.
    const BY_TIER: &str = "/contacts?per_page=50&sort=-created_at&cf.tier=Gold";
    let tier_pages = cursors(&client, &base, &token, BY_TIER, 20).await?;
    const BY_SEATS: &str = "/contacts?per_page=50&sort=last_name&cf.seats.min=90&cf.seats.max=95";
    let seat_pages = cursors(&client, &base, &token, BY_SEATS, 20).await?;
    const SORTED_BY_SEATS: &str = "/contacts?per_page=50&sort=-cf.seats";
    let sorted_pages = cursors(&client, &base, &token, SORTED_BY_SEATS, 20).await?;
    let me = json(&client, Method::GET, format!("{base}/me"), &token, None).await?;
    let my_id = me["user"]["id"].as_str().context("me")?.to_owned();
    let now = chrono::Utc::now();
    let range = |from: chrono::DateTime<chrono::Utc>, days: i64| {
        let stamp = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        format!("from={}&to={}", stamp(from), stamp(from + chrono::Duration::days(days)))
    };
    let month = format!(
        "/calendar?{}&user_id={my_id}",
        range(now - chrono::Duration::days(14), 35)
    );
    let week = format!("/calendar?{}", range(now, 7));
    let terms = [
        "ada", "berg", "nova", "harbor", "schmidt", "labs", "555 1", "renewal", "maya", "tanaka",
    ];
    let scenarios = [
        Scenario {
            name: "contacts list (50, sorted, filtered)",
            method: Method::GET,
            request: Box::new(move |i| match &pages[i % pages.len()] {
                Some(cursor) => (format!("{CONTACTS}&cursor={cursor}"), None),
                None => (CONTACTS.to_owned(), None),
            }),
        },
        Scenario {
            name: "contacts list (50, filtered by a custom select)",
            method: Method::GET,
            request: Box::new(move |i| match &tier_pages[i % tier_pages.len()] {
                Some(cursor) => (format!("{BY_TIER}&cursor={cursor}"), None),
                None => (BY_TIER.to_owned(), None),
            }),
        },
        Scenario {
            name: "contacts list (50, filtered by a custom number range)",
            method: Method::GET,
            request: Box::new(move |i| match &seat_pages[i % seat_pages.len()] {
                Some(cursor) => (format!("{BY_SEATS}&cursor={cursor}"), None),
                None => (BY_SEATS.to_owned(), None),
            }),
        },
        Scenario {
            name: "contacts list (50, sorted by a custom number)",
            method: Method::GET,
            request: Box::new(move |i| match &sorted_pages[i % sorted_pages.len()] {
                Some(cursor) => (format!("{SORTED_BY_SEATS}&cursor={cursor}"), None),
                None => (SORTED_BY_SEATS.to_owned(), None),
            }),
        },
        Scenario {
            name: "search",
            method: Method::GET,
            request: Box::new(move |i| {
                (
                    format!("/search?q={}&per_page=15", terms[i % terms.len()].replace(' ', "%20")),
                    None,
                )
            }),
        },
        Scenario {
            name: "board load",
            method: Method::GET,
            request: Box::new(|_| ("/board".to_owned(), None)),
        },
        Scenario {
            name: "calendar month (one user's, up to 2,000 events)",
            method: Method::GET,
            request: Box::new(move |_| (month.clone(), None)),
        },
        Scenario {
            name: "calendar week (everyone's)",
            method: Method::GET,
            request: Box::new(move |_| (week.clone(), None)),
        },
        Scenario {
            name: "deal move",
            method: Method::POST,
            request: Box::new(move |i| {
                let deal = &deals[i % deals.len()];
                let stage = &stages[(i / deals.len()) % 2];
                (format!("/deals/{deal}/move"), Some(json!({"stage_id": stage})))
            }),
        },
    ];
    println!(
        "| {} scenario | requests | concurrency | median ms | p99 ms | req/s |",
        args.label
    );
    println!("|---|---|---|---|---|---|");
    for scenario in scenarios
        .iter()
        .filter(|s| args.only.as_ref().is_none_or(|o| s.name.contains(o.as_str())))
    {
        run(&client, &base, &token, scenario, args.concurrency, args.warmup).await?;
        let started = Instant::now();
        let timings = run(&client, &base, &token, scenario, args.concurrency, args.requests).await?;
        let wall = started.elapsed().as_secs_f64();
        println!(
            "| {} | {} | {} | {:.1} | {:.1} | {:.0} |",
            scenario.name,
            timings.len(),
            args.concurrency,
            percentile(&timings, 50.0).as_secs_f64() * 1000.0,
            percentile(&timings, 99.0).as_secs_f64() * 1000.0,
            timings.len() as f64 / wall
        );
    }
    Ok(())
}

async fn imports(client: &Client, base: &str, token: &str, rows: usize, csv_only: bool, label: &str) -> Result<()> {
    println!("| {label} import/export | rows | wall s | rows/s | result |");
    println!("|---|---|---|---|---|");
    let csv = io::csv_file(rows, "csv")?;
    let (took, counts) = io::import(client, base, token, &csv).await?;
    let _ = std::fs::remove_file(&csv);
    println!(
        "| import CSV | {rows} | {:.1} | {:.0} | {counts} |",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
    if csv_only {
        return Ok(());
    }
    let xlsx = io::xlsx_file(rows, "xlsx")?;
    let (took, counts) = io::import(client, base, token, &xlsx).await?;
    let _ = std::fs::remove_file(&xlsx);
    println!(
        "| import XLSX | {rows} | {:.1} | {:.0} | {counts} |",
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
    for format in ["csv", "xlsx"] {
        let (took, bytes) = io::export(client, base, token, format).await?;
        println!(
            "| export {} (all contacts) | {} | {:.1} | {:.0} | {bytes} bytes |",
            format.to_uppercase(),
            rows * 2,
            took.as_secs_f64(),
            (rows * 2) as f64 / took.as_secs_f64()
        );
    }
    Ok(())
}
