//! `--webhooks N`: webhook deliveries per second to a receiver on 127.0.0.1, first of
//! N test events queued at once (the delivery path alone: claim, sign, POST, log), then
//! of N contacts created at the bench's concurrency (change → outbox → fan-out →
//! delivery, end to end).

use anyhow::{Context, Result, bail};
use kite_webhooks::test_receiver::TestReceiver;
use reqwest::Client;
use serde_json::json;
use std::time::{Duration, Instant};

/// Runs the receiver in a thread of its own with its own actix system.
fn start_receiver() -> Result<TestReceiver> {
    let (sent, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let _ = sent.send(TestReceiver::start());
            std::future::pending::<()>().await;
        });
    });
    Ok(received.recv()??)
}

async fn post(client: &Client, url: String, token: &str, body: serde_json::Value) -> Result<serde_json::Value> {
    let response = client.post(url).bearer_auth(token).json(&body).send().await?;
    let status = response.status();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    if !status.is_success() {
        bail!("{status}: {body}");
    }
    Ok(body)
}

/// Waits until the receiver has `count` requests; the time since `started`.
async fn until_received(receiver: &TestReceiver, count: usize, started: Instant) -> Result<f64> {
    while receiver.received().len() < count {
        if started.elapsed() > Duration::from_secs(600) {
            bail!("{} of {count} deliveries in 10 minutes", receiver.received().len());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(started.elapsed().as_secs_f64())
}

/// Sends `count` requests, `concurrency` at a time.
async fn spread(
    count: usize,
    concurrency: usize,
    make: impl Fn(usize) -> tokio::task::JoinHandle<Result<()>>,
) -> Result<()> {
    let mut index = 0;
    while index < count {
        let batch: Vec<_> = (index..(index + concurrency).min(count)).map(&make).collect();
        index += batch.len();
        for task in batch {
            task.await??;
        }
    }
    Ok(())
}

pub async fn webhooks(
    client: &Client,
    base: &str,
    token: &str,
    count: usize,
    concurrency: usize,
    label: &str,
) -> Result<()> {
    let receiver = start_receiver().context("start the receiver")?;
    let subscription = post(
        client,
        format!("{base}/webhook-subscriptions"),
        token,
        json!({"url": receiver.url, "events": ["contact.created"]}),
    )
    .await?;
    let id = subscription["id"].as_str().context("subscription id")?.to_owned();

    let started = Instant::now();
    spread(count, concurrency, |_| {
        let (client, url, token) = (
            client.clone(),
            format!("{base}/webhook-subscriptions/{id}/test"),
            token.to_owned(),
        );
        tokio::spawn(async move { post(&client, url, &token, json!({})).await.map(|_| ()) })
    })
    .await?;
    let queued = started.elapsed().as_secs_f64();
    let tests = until_received(&receiver, count, started).await?;

    let started = Instant::now();
    spread(count, concurrency, |i| {
        let (client, url, token) = (client.clone(), format!("{base}/contacts"), token.to_owned());
        tokio::spawn(async move {
            post(
                &client,
                url,
                &token,
                json!({"first_name": "Hook", "last_name": format!("Bench {i}")}),
            )
            .await
            .map(|_| ())
        })
    })
    .await?;
    let created = started.elapsed().as_secs_f64();
    let changes = until_received(&receiver, 2 * count, started).await?;

    println!("| {label} | webhooks | deliveries |");
    println!("|---|---|---|");
    println!(
        "| {label} | {count} test events queued in {queued:.2} s, all delivered in {tests:.2} s | {:.0} deliveries/s |",
        count as f64 / tests
    );
    println!(
        "| {label} | {count} contacts created in {created:.2} s, all delivered in {changes:.2} s | {:.0} deliveries/s end to end |",
        count as f64 / changes
    );
    Ok(())
}
