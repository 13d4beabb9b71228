//! A server killed in the middle of an import loses nothing and writes nothing twice:
//! the restarted server takes the job over after its lease and finishes it with exact
//! counts. Runs the real binary, on SQLite and on PostgreSQL.

use reqwest::Client;
use reqwest::multipart::{Form, Part};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

const ROWS: usize = 100_000;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn start(data_dir: &Path, database_url: &str, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_kite-server"))
        .arg("serve")
        .env("KITE_BIND", format!("127.0.0.1:{port}"))
        .env("KITE_DATA_DIR", data_dir)
        .env("DATABASE_URL", database_url)
        .env("KITE_JOB_LEASE_SECONDS", "3")
        .env("KITE_WORKERS", "1")
        .env("KITE_API_RATE_PER_SECOND", "100000")
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start kite-server");
    let client = Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if client
            .get(format!("http://127.0.0.1:{port}/api/v1/health"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("kite-server did not start");
}

async fn call(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.expect("request");
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status}: {body}");
    body
}

fn people() -> Vec<u8> {
    let mut file = String::from("Email,First name,Last name,Company\n");
    for i in 0..ROWS {
        file.push_str(&format!("p{i}@restart.example,First{i},Last{i},Company {}\n", i % 500));
    }
    file.into_bytes()
}

async fn killed_mid_import_then_finished_exactly(database_url: &str) {
    let data_dir = tempfile::tempdir().expect("data dir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let client = Client::new();
    let mut server = start(data_dir.path(), database_url, port).await;

    let signup = call(client.post(format!("{base}/auth/signup")).json(&json!({
        "organization_name": "Restart Inc", "name": "Ada Admin",
        "email": "ada@restart.example", "password": "correct horse battery staple"
    })))
    .await;
    let token = signup["access_token"].as_str().expect("token").to_owned();
    let form = Form::new()
        .text("entity", "contacts")
        .part("file", Part::bytes(people()).file_name("people.csv"));
    let uploaded = call(
        client
            .post(format!("{base}/imports"))
            .bearer_auth(&token)
            .multipart(form),
    )
    .await;
    let id = uploaded["id"].as_str().expect("id").to_owned();
    call(
        client
            .put(format!("{base}/imports/{id}/mapping"))
            .bearer_auth(&token)
            .json(&json!({"mapping": uploaded["suggested_mapping"], "duplicates": "skip"})),
    )
    .await;
    let started = call(client.post(format!("{base}/imports/{id}/run")).bearer_auth(&token)).await;
    let job = started["job_id"].as_str().expect("job").to_owned();

    // Kill it once a part of the rows is committed, well before the end.
    let deadline = Instant::now() + Duration::from_secs(120);
    let done_at_kill = loop {
        let import = call(client.get(format!("{base}/imports/{id}")).bearer_auth(&token)).await;
        let done = import["rows_done"].as_u64().unwrap_or(0);
        if done >= 5_000 {
            server.kill().await.expect("kill -9");
            break done;
        }
        assert!(Instant::now() < deadline, "the import never started: {import}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(done_at_kill < ROWS as u64, "killed too late to prove anything");

    let _server = start(data_dir.path(), database_url, port).await;
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let state = call(client.get(format!("{base}/jobs/{job}")).bearer_auth(&token)).await;
        if state["status"] == "succeeded" {
            assert!(
                state["attempts"].as_i64().unwrap_or(0) >= 2,
                "a second attempt finished it: {state}"
            );
            break;
        }
        assert!(state["status"] != "failed" && Instant::now() < deadline, "{state}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let import = call(client.get(format!("{base}/imports/{id}")).bearer_auth(&token)).await;
    assert_eq!(import["counts"]["created"], ROWS, "{import}");
    assert_eq!(import["counts"]["failed"], 0, "{import}");
    assert_eq!(import["rows_done"], ROWS);
    let contacts = call(client.get(format!("{base}/contacts?per_page=1")).bearer_auth(&token)).await;
    assert_eq!(contacts["total"], ROWS, "no contact lost or written twice");
    let companies = call(client.get(format!("{base}/companies?per_page=1")).bearer_auth(&token)).await;
    assert_eq!(companies["total"], 500, "companies found again, not created twice");
}

#[tokio::test]
async fn a_server_killed_mid_import_resumes_it_exactly_on_sqlite() {
    let data_dir = tempfile::tempdir().expect("db dir");
    let url = format!("sqlite://{}?mode=rwc", data_dir.path().join("kite.db").display());
    killed_mid_import_then_finished_exactly(&url).await;
}

#[tokio::test]
async fn a_server_killed_mid_import_resumes_it_exactly_on_postgres() {
    let admin_url = std::env::var("KITE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres:kite@127.0.0.1:5432/postgres".into());
    let name = format!("kite_test_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(&admin_url).await.expect("PostgreSQL answers");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    let url = format!(
        "{}/{name}",
        admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base)
    );
    killed_mid_import_then_finished_exactly(&url).await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .ok();
}
