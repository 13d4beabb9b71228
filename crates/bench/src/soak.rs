//! The soak test: a sales team's mixed day (lists, search, the board, creating and
//! updating contacts and deals, moves, logged calls, imports in the background) at a
//! fixed concurrency for minutes, plus a client that keeps knocking on the sign-in
//! limit to provoke 429s. Reports errors and latency per route and the server's
//! resident memory every 10 s, which must stay flat.

use anyhow::{Context, Result};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One kind of request of the mix; `weight` of every 100 requests are of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Route {
    ListContacts,
    Search,
    Board,
    CreateContact,
    UpdateContact,
    CreateDeal,
    MoveDeal,
    LogActivity,
}

const MIX: [(Route, usize); 8] = [
    (Route::ListContacts, 25),
    (Route::Search, 15),
    (Route::Board, 10),
    (Route::CreateContact, 10),
    (Route::UpdateContact, 10),
    (Route::CreateDeal, 5),
    (Route::MoveDeal, 15),
    (Route::LogActivity, 10),
];

impl Route {
    fn name(self) -> &'static str {
        match self {
            Route::ListContacts => "GET /contacts (50, sorted)",
            Route::Search => "GET /search",
            Route::Board => "GET /board",
            Route::CreateContact => "POST /contacts",
            Route::UpdateContact => "PUT /contacts/{id}",
            Route::CreateDeal => "POST /deals",
            Route::MoveDeal => "POST /deals/{id}/move",
            Route::LogActivity => "POST /activities",
        }
    }

    /// The route of the n-th request: the mix, spread evenly over every 100.
    fn nth(n: usize) -> Route {
        // 37 is prime to 100, so consecutive requests walk the mix in a scattered order.
        let mut slot = (n * 37) % 100;
        for (route, weight) in MIX {
            if slot < weight {
                return route;
            }
            slot -= weight;
        }
        Route::ListContacts
    }
}

#[derive(Default)]
struct Tally {
    timings: Vec<Duration>,
    errors: usize,
    first_errors: Vec<String>,
}

impl Tally {
    fn error(&mut self, message: String) {
        self.errors += 1;
        if self.first_errors.len() < 3 {
            self.first_errors.push(message);
        }
    }
}

type Tallies = Arc<Mutex<BTreeMap<&'static str, Tally>>>;

/// What the workers share: the records they may update or move.
struct Records {
    contacts: Mutex<Vec<String>>,
    deals: Vec<String>,
    stages: Vec<String>,
}

pub struct Soak<'a> {
    pub client: &'a Client,
    pub base: &'a str,
    pub token: &'a str,
    pub minutes: u64,
    pub concurrency: usize,
    pub server_pid: Option<u32>,
    pub label: &'a str,
}

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    super::percentile(sorted, p).as_secs_f64() * 1000.0
}

impl Soak<'_> {
    async fn records(&self) -> Result<Records> {
        let board = super::json(
            self.client,
            Method::GET,
            format!("{}/board", self.base),
            self.token,
            None,
        )
        .await?;
        let columns = board["columns"].as_array().context("board")?;
        let stages = columns
            .iter()
            .filter_map(|c| c["stage"]["id"].as_str().map(str::to_owned))
            .collect();
        let deals = columns
            .iter()
            .flat_map(|c| c["deals"].as_array().cloned().unwrap_or_default())
            .filter_map(|d| d["id"].as_str().map(str::to_owned))
            .collect();
        let list = format!("{}/contacts?per_page=100&total=false", self.base);
        let contacts = super::json(self.client, Method::GET, list, self.token, None).await?;
        let contacts = contacts["items"]
            .as_array()
            .context("contacts")?
            .iter()
            .filter_map(|c| c["id"].as_str().map(str::to_owned))
            .collect();
        Ok(Records {
            contacts: Mutex::new(contacts),
            deals,
            stages,
        })
    }

    pub async fn run(&self) -> Result<()> {
        let records = Arc::new(self.records().await?);
        anyhow::ensure!(
            records.stages.len() >= 2 && !records.deals.is_empty(),
            "the seeded board has too few stages or deals"
        );
        let tallies: Tallies = Arc::default();
        let started = Instant::now();
        let deadline = started + Duration::from_secs(self.minutes * 60);
        let mut tasks = tokio::task::JoinSet::new();
        for worker in 0..self.concurrency {
            tasks.spawn(work(
                self.client.clone(),
                self.base.to_owned(),
                self.token.to_owned(),
                worker,
                deadline,
                records.clone(),
                tallies.clone(),
            ));
        }
        tasks.spawn(import_in_background(
            self.client.clone(),
            self.base.to_owned(),
            self.token.to_owned(),
            deadline,
            tallies.clone(),
        ));
        let provoked = Arc::new(Mutex::new((0usize, 0usize)));
        tasks.spawn(knock_on_the_sign_in_limit(
            self.client.clone(),
            self.base.to_owned(),
            deadline,
            provoked.clone(),
            tallies.clone(),
        ));
        let mut memory = Vec::new();
        while Instant::now() < deadline {
            if let Some(pid) = self.server_pid {
                memory.push((started.elapsed().as_secs(), rss_kib(pid).unwrap_or(0)));
            }
            tokio::time::sleep(Duration::from_secs(10).min(deadline.saturating_duration_since(Instant::now()))).await;
        }
        if let Some(pid) = self.server_pid {
            memory.push((started.elapsed().as_secs(), rss_kib(pid).unwrap_or(0)));
        }
        while let Some(done) = tasks.join_next().await {
            done?;
        }
        let wall = started.elapsed().as_secs_f64();
        self.report(&tallies, &provoked, &memory, wall);
        Ok(())
    }

    fn report(&self, tallies: &Tallies, provoked: &Mutex<(usize, usize)>, memory: &[(u64, u64)], wall: f64) {
        let mut tallies = tallies.lock().unwrap_or_else(|p| p.into_inner());
        let (requests, errors) = tallies
            .values()
            .fold((0, 0), |(r, e), t| (r + t.timings.len() + t.errors, e + t.errors));
        let (knocks, limited) = *provoked.lock().unwrap_or_else(|p| p.into_inner());
        println!(
            "{} minutes at concurrency {}: {requests} requests ({:.0}/s), {errors} errors; \
             the sign-in limit answered {limited} of {knocks} knocks with 429, as configured",
            self.minutes,
            self.concurrency,
            requests as f64 / wall,
        );
        println!();
        println!(
            "| {} route | requests | errors | median ms | p99 ms | max ms |",
            self.label
        );
        println!("|---|---|---|---|---|---|");
        for (route, tally) in tallies.iter_mut() {
            tally.timings.sort();
            println!(
                "| {route} | {} | {} | {:.1} | {:.1} | {:.1} |",
                tally.timings.len() + tally.errors,
                tally.errors,
                percentile(&tally.timings, 50.0),
                percentile(&tally.timings, 99.0),
                percentile(&tally.timings, 100.0),
            );
        }
        for (route, tally) in tallies.iter() {
            for message in &tally.first_errors {
                println!("\nError on {route}: {message}");
            }
        }
        if memory.is_empty() {
            return;
        }
        println!();
        let samples: Vec<String> = memory.iter().map(|(s, kib)| format!("{s}s {}", kib / 1024)).collect();
        println!("Server RSS (MiB) every 10 s: {}", samples.join(", "));
        let at_two = memory.iter().find(|(s, _)| *s >= 120).map(|(_, kib)| *kib);
        if let (Some(at_two), Some((_, end))) = (at_two, memory.last()) {
            let change = (*end as f64 - at_two as f64) / at_two.max(1) as f64 * 100.0;
            let after: Vec<u64> = memory
                .iter()
                .filter(|(s, _)| *s >= 120)
                .map(|(_, kib)| kib / 1024)
                .collect();
            let verdict = match change {
                c if c.abs() <= 10.0 => "flat: within 10 %",
                c if c < 0.0 => "fell: no growth, but more than 10 % below minute 2",
                _ => "GREW by more than 10 %",
            };
            println!(
                "\nRSS at minute 2: {} MiB; at the end: {} MiB ({change:+.1} %, {verdict}); \
                 from minute 2 on between {} and {} MiB",
                at_two / 1024,
                end / 1024,
                after.iter().min().unwrap_or(&0),
                after.iter().max().unwrap_or(&0),
            );
        }
    }
}

async fn work(
    client: Client,
    base: String,
    token: String,
    worker: usize,
    deadline: Instant,
    records: Arc<Records>,
    tallies: Tallies,
) {
    const TERMS: [&str; 8] = ["ada", "berg", "nova", "harbor", "labs", "maya", "soak", "tanaka"];
    let mut n = worker;
    while Instant::now() < deadline {
        let route = Route::nth(n);
        let contact = || {
            let contacts = records.contacts.lock().unwrap_or_else(|p| p.into_inner());
            contacts[n % contacts.len()].clone()
        };
        let (method, path, body) = match route {
            Route::ListContacts => (Method::GET, "/contacts?per_page=50&sort=-created_at".to_owned(), None),
            Route::Search => (
                Method::GET,
                format!("/search?q={}&per_page=15", TERMS[n % TERMS.len()]),
                None,
            ),
            Route::Board => (Method::GET, "/board".to_owned(), None),
            Route::CreateContact => (
                Method::POST,
                "/contacts".to_owned(),
                Some(
                    json!({"first_name": format!("Soak{worker}"), "last_name": format!("N{n}"),
                            "email": format!("soak.{worker}.{n}@soak.example")}),
                ),
            ),
            Route::UpdateContact => (
                Method::PUT,
                format!("/contacts/{}", contact()),
                Some(
                    json!({"first_name": format!("Soak{worker}"), "last_name": format!("Updated{n}"),
                            "title": format!("Title {n}")}),
                ),
            ),
            Route::CreateDeal => (
                Method::POST,
                "/deals".to_owned(),
                Some(json!({"title": format!("Soak deal {worker}.{n}"),
                            "value": {"minor": 100_000 + n as i64, "currency": "EUR"}})),
            ),
            Route::MoveDeal => (
                Method::POST,
                format!("/deals/{}/move", records.deals[n % records.deals.len()]),
                Some(json!({"stage_id": records.stages[(n / records.deals.len() + n) % 2]})),
            ),
            Route::LogActivity => (
                Method::POST,
                "/activities".to_owned(),
                Some(json!({"kind": "call", "subject": format!("Call {n}"), "contact_id": contact(), "done": true})),
            ),
        };
        let started = Instant::now();
        let mut request = client.request(method, format!("{base}{path}")).bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let outcome = match request.send().await {
            Ok(response) => {
                let status = response.status();
                let body: Value = response.json().await.unwrap_or(Value::Null);
                if status.is_success() {
                    Ok(body)
                } else {
                    Err(format!("{path}: {status} {body}"))
                }
            }
            Err(error) => Err(format!("{path}: {error}")),
        };
        let took = started.elapsed();
        if route == Route::CreateContact
            && let Ok(created) = &outcome
            && let Some(id) = created["id"].as_str()
        {
            records
                .contacts
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(id.to_owned());
        }
        let mut tallies = tallies.lock().unwrap_or_else(|p| p.into_inner());
        let tally = tallies.entry(route.name()).or_default();
        match outcome {
            Ok(_) => tally.timings.push(took),
            Err(message) => tally.error(message),
        }
        drop(tallies);
        n += 1;
    }
}

/// A 2,000-row import, one after the other, while the rest runs.
async fn import_in_background(client: Client, base: String, token: String, deadline: Instant, tallies: Tallies) {
    const ROWS: usize = 2_000;
    let mut round = 0;
    while Instant::now() < deadline {
        round += 1;
        let outcome = match super::io::csv_file(ROWS, &format!("soak{round}")) {
            Ok(file) => {
                let imported = super::io::import(&client, &base, &token, &file).await;
                let _ = std::fs::remove_file(&file);
                imported
            }
            Err(error) => Err(error),
        };
        let mut tallies = tallies.lock().unwrap_or_else(|p| p.into_inner());
        let tally = tallies.entry("import 2,000 contacts (upload to done)").or_default();
        match outcome {
            Ok((took, _)) => tally.timings.push(took),
            Err(error) => tally.error(error.to_string()),
        }
    }
}

/// Wrong passwords at 4 a second, four times what the sign-in limit lets through: the
/// 429s are the point, anything else than 401 or 429 is an error.
async fn knock_on_the_sign_in_limit(
    client: Client,
    base: String,
    deadline: Instant,
    provoked: Arc<Mutex<(usize, usize)>>,
    tallies: Tallies,
) {
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    while Instant::now() < deadline {
        tick.tick().await;
        let response = client
            .post(format!("{base}/auth/login"))
            .json(&json!({"email": "intruder@soak.example", "password": "guessing"}))
            .send()
            .await;
        let status = response.as_ref().map(|r| r.status()).ok();
        let mut counts = provoked.lock().unwrap_or_else(|p| p.into_inner());
        counts.0 += 1;
        match status {
            Some(StatusCode::TOO_MANY_REQUESTS) => counts.1 += 1,
            Some(StatusCode::UNAUTHORIZED) => {}
            other => tallies
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry("POST /auth/login (rate-limit probe)")
                .or_default()
                .error(format!("sign-in answered {other:?}")),
        }
    }
}
