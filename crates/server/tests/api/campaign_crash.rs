//! A campaign survives `kill -9` mid-send: the real server binary sends 2,000 emails
//! to a fake SendGrid, is killed while sending, and started again; every recipient
//! gets exactly one email.

use crate::helpers::{Backend, PASSWORD, postgres_admin_url, replace_database};
use kite_email::fake_sendgrid::{FAKE_API_KEY, FakeSendGrid};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::TcpListener;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

const RECIPIENTS: usize = 2000;

struct Server {
    env: Vec<(String, String)>,
    address: String,
    log_path: std::path::PathBuf,
}

impl Server {
    fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kite-server"));
        command
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(self.log())
            .kill_on_drop(true);
        command
    }

    /// The server's log, appended to by every start, for the assertion messages.
    fn log(&self) -> Stdio {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .map_or_else(|_| Stdio::null(), Stdio::from)
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    async fn start(&self) -> Child {
        let child = self.command().spawn().expect("start kite-server");
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if client
                .get(format!("{}/api/v1/health", self.address))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("kite-server did not come up");
    }
}

async fn call(client: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut request = client.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    assert!(response.status().is_success(), "{:?}", response.status());
    response.json().await.expect("json")
}

async fn every_recipient_gets_exactly_one_email_across_a_kill_9_mid_send(backend: Backend) {
    let fake = FakeSendGrid::start().expect("fake SendGrid");
    let data_dir = tempfile::tempdir().expect("data dir");
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let address = format!("http://127.0.0.1:{port}");
    let (database_url, postgres_database) = match backend {
        Backend::Sqlite => (kite_server::config::sqlite_url(&data_dir.path().join("kite.db")), None),
        Backend::Postgres => {
            let name = format!("kite_test_{}", uuid::Uuid::new_v4().simple());
            let admin = Database::connect(postgres_admin_url()).await.expect("PostgreSQL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create");
            (replace_database(&postgres_admin_url(), &name), Some(name))
        }
    };
    let server = Server {
        env: [
            ("KITE_BIND", format!("127.0.0.1:{port}")),
            ("KITE_DATA_DIR", data_dir.path().display().to_string()),
            ("DATABASE_URL", database_url),
            (
                "KITE_JWT_SECRET",
                "crash-test-secret-that-is-long-enough-for-hs256".into(),
            ),
            ("KITE_PUBLIC_URL", address.clone()),
            ("SENDGRID_API_KEY", FAKE_API_KEY.into()),
            ("SENDGRID_API_URL", fake.base_url.clone()),
            ("SENDGRID_WEBHOOK_PUBLIC_KEY", FakeSendGrid::public_key_base64()),
            ("KITE_EMAIL_RECONCILE_SECONDS", "15".into()),
            ("KITE_JOB_LEASE_SECONDS", "3".into()),
            ("KITE_API_RATE_PER_SECOND", "10000".into()),
            ("KITE_AUTH_RATE_PER_MINUTE", "10000".into()),
            ("RUST_LOG", "warn".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
        address: address.clone(),
        log_path: data_dir.path().join("server.log"),
    };
    let email = "crash@kite.example";
    let seeded = server
        .command()
        .args([
            "seed",
            "--contacts",
            &RECIPIENTS.to_string(),
            "--companies",
            "20",
            "--email",
            email,
            "--password",
            PASSWORD,
        ])
        .status()
        .await
        .expect("seed");
    assert!(seeded.success());
    fake.post_events_to(
        &format!("{address}/api/v1/webhooks/sendgrid/events"),
        Duration::from_secs(6),
    );

    let mut running = server.start().await;
    let client = reqwest::Client::new();
    let login = call(
        &client,
        format!("{address}/api/v1/auth/login"),
        None,
        json!({"email": email, "password": PASSWORD}),
    )
    .await;
    let token = login["access_token"].as_str().expect("token").to_owned();
    let template = call(
        &client,
        format!("{address}/api/v1/email-templates"),
        Some(&token),
        json!({"name": "Crash", "subject": "Hello {{ contact.first_name }}", "body_html": "<p>Hi {{ contact.first_name }}</p>"}),
    )
    .await;
    let campaign = call(
        &client,
        format!("{address}/api/v1/campaigns"),
        Some(&token),
        json!({"name": "Crash", "template_id": template["id"], "audience": {"kind": "filter"}, "rate_per_minute": 6000}),
    )
    .await;
    let id = campaign["id"].as_str().expect("id").to_owned();
    let sent = call(
        &client,
        format!("{address}/api/v1/campaigns/{id}/send"),
        Some(&token),
        json!({}),
    )
    .await;
    assert_eq!(sent["stats"]["recipients"], RECIPIENTS, "{sent}");

    // Kill it (SIGKILL) in the middle of a batch: SendGrid took some of its messages
    // but the answers never came back, and the rest never left.
    fake.stop_answering_after(300);
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.received_count() < 310 {
        assert!(Instant::now() < deadline, "sending never started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    running.kill().await.expect("kill -9");
    let at_kill = fake.received_count();
    assert!(at_kill < RECIPIENTS, "the campaign finished before the kill");
    fake.answer_again();

    let _restarted = server.start().await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let response = client
            .get(format!("{address}/api/v1/campaigns/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        // What this test is about is what SendGrid received; a busy database may make
        // the server answer 500 for a moment.
        if status != StatusCode::OK {
            assert!(
                Instant::now() < deadline,
                "{status} {body}; the server said:\n{}",
                server.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        }
        if body["status"] == "sent" {
            assert_eq!(body["stats"]["sent"], RECIPIENTS, "{body}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the campaign never finished: {body}; the server said:\n{}",
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let received = fake.received();
    let mut per_email: HashMap<String, usize> = HashMap::new();
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for mail in &received {
        *per_email.entry(mail.email_id().expect("key")).or_default() += 1;
        *per_address.entry(mail.to().expect("to")).or_default() += 1;
    }
    let twice: Vec<_> = per_address.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(per_address.len(), RECIPIENTS, "killed after {at_kill}");
    assert_eq!(per_email.len(), RECIPIENTS);
    assert_eq!(received.len(), RECIPIENTS);

    drop(_restarted);
    if let Some(name) = postgres_database {
        tokio::time::sleep(Duration::from_millis(300)).await;
        if let Ok(admin) = Database::connect(postgres_admin_url()).await {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}
crate::on_both_databases!(every_recipient_gets_exactly_one_email_across_a_kill_9_mid_send);
