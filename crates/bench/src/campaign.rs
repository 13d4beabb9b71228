//! `--campaign N`: a campaign to every seeded contact, sent through a fake SendGrid on
//! 127.0.0.1:8091 that the server is pointed at; reports messages per second handed to
//! SendGrid (the campaign at its highest rate, so only Kite limits it).

use anyhow::{Context, Result, bail};
use kite_email::fake_sendgrid::FakeSendGrid;
use reqwest::{Client, Method};
use serde_json::json;
use std::time::{Duration, Instant};

pub const FAKE_SENDGRID: &str = "127.0.0.1:8091";

/// Runs the fake in a thread of its own with its own actix system.
fn start_fake() -> Result<FakeSendGrid> {
    let (sent, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let _ = sent.send(FakeSendGrid::start_on(FAKE_SENDGRID));
            std::future::pending::<()>().await;
        });
    });
    Ok(received.recv()??)
}

pub async fn campaign(client: &Client, base: &str, token: &str, recipients: usize, label: &str) -> Result<()> {
    let fake = start_fake().context("start the fake SendGrid")?;
    let call = |method: Method, path: String, body: serde_json::Value| {
        let request = client
            .request(method, format!("{base}{path}"))
            .bearer_auth(token)
            .json(&body);
        async move {
            let response = request.send().await?;
            let status = response.status();
            let body: serde_json::Value = response.json().await?;
            if !status.is_success() {
                bail!("{status}: {body}");
            }
            Ok(body)
        }
    };
    let template = call(
        Method::POST,
        "/email-templates".into(),
        json!({
            "name": "Bench",
            "subject": "News for {{ contact.first_name | default(\"you\") }}",
            "body_html": "<h1>Hello {{ contact.first_name }}</h1><p>{% if company.name %}Everyone at {{ company.name }}{% endif %} will like this.</p><a href=\"https://example.com/launch\">Read more</a>",
        }),
    )
    .await?;
    let campaign = call(
        Method::POST,
        "/campaigns".into(),
        json!({"name": "Bench", "template_id": template["id"], "audience": {"kind": "filter"}, "rate_per_minute": 60000}),
    )
    .await?;
    let id = campaign["id"].as_str().context("campaign id")?.to_owned();
    let started = Instant::now();
    let sent = call(Method::POST, format!("/campaigns/{id}/send"), json!({})).await?;
    let made = started.elapsed();
    let total = sent["stats"]["recipients"].as_u64().unwrap_or(0) as usize;
    if total != recipients {
        bail!("the campaign reaches {total} contacts, not {recipients}");
    }
    loop {
        let status = call(Method::GET, format!("/campaigns/{id}"), json!(null)).await?;
        if status["status"] == "sent" {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!("the campaign did not finish in 10 minutes: {status}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wall = started.elapsed().as_secs_f64();
    let received = fake.received_count();
    if received != recipients {
        bail!("SendGrid received {received} messages for {recipients} recipients");
    }
    println!("| {label} campaign | recipients | emails made (send click) | wall s | messages/s |");
    println!("|---|---|---|---|---|");
    println!(
        "| 60,000/min | {recipients} | {:.2} s | {wall:.1} | {:.0} |",
        made.as_secs_f64(),
        recipients as f64 / wall
    );
    Ok(())
}
