//! A large contact import over HTTP, for tests that kill the server running it.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use super::process::call;
use reqwest::Client;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Signs up a new organization and returns its admin's access token.
pub async fn sign_up(client: &Client, api: &str, organization: &str) -> String {
    let signup = call(client.post(format!("{api}/auth/signup")).json(&json!({
        "organization_name": organization, "name": "Ada Admin",
        "email": format!("ada@{}.example", organization.to_lowercase().replace(' ', "-")),
        "password": "correct horse battery staple"
    })))
    .await;
    signup["access_token"].as_str().expect("token").to_owned()
}

pub struct Import {
    pub id: String,
    pub job: String,
    pub rows: usize,
}

fn people(rows: usize) -> Vec<u8> {
    let mut file = String::from("Email,First name,Last name,Company\n");
    for i in 0..rows {
        file.push_str(&format!("p{i}@import.example,First{i},Last{i},Company {}\n", i % 500));
    }
    file.into_bytes()
}

/// Uploads `rows` contacts (over 500 companies), maps them and runs the import.
pub async fn start(client: &Client, api: &str, token: &str, rows: usize) -> Import {
    let form = Form::new()
        .text("entity", "contacts")
        .part("file", Part::bytes(people(rows)).file_name("people.csv"));
    let uploaded = call(client.post(format!("{api}/imports")).bearer_auth(token).multipart(form)).await;
    let id = uploaded["id"].as_str().expect("id").to_owned();
    call(
        client
            .put(format!("{api}/imports/{id}/mapping"))
            .bearer_auth(token)
            .json(&json!({"mapping": uploaded["suggested_mapping"], "duplicates": "skip"})),
    )
    .await;
    let started = call(client.post(format!("{api}/imports/{id}/run")).bearer_auth(token)).await;
    let job = started["job_id"].as_str().expect("job").to_owned();
    Import { id, job, rows }
}

/// Waits until at least `rows` rows are committed, and returns how many are.
pub async fn wait_for_rows(client: &Client, api: &str, token: &str, import: &Import, rows: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let state = call(client.get(format!("{api}/imports/{}", import.id)).bearer_auth(token)).await;
        let done = state["rows_done"].as_u64().unwrap_or(0);
        if done >= rows {
            assert!(
                done < import.rows as u64,
                "the import ended before the test could interrupt it"
            );
            return done;
        }
        assert!(Instant::now() < deadline, "the import never got going: {state}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits for the import's job to succeed on a later attempt and checks that every row
/// was written exactly once. Returns the job.
pub async fn finished_exactly(client: &Client, api: &str, token: &str, import: &Import) -> Value {
    let deadline = Instant::now() + Duration::from_secs(900);
    let job = loop {
        let state = call(client.get(format!("{api}/jobs/{}", import.job)).bearer_auth(token)).await;
        if state["status"] == "succeeded" {
            assert!(
                state["attempts"].as_i64().unwrap_or(0) >= 2,
                "a second attempt finished it: {state}"
            );
            break state;
        }
        assert!(state["status"] != "failed" && Instant::now() < deadline, "{state}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let state = call(client.get(format!("{api}/imports/{}", import.id)).bearer_auth(token)).await;
    assert_eq!(state["counts"]["created"], import.rows, "{state}");
    assert_eq!(state["counts"]["failed"], 0, "{state}");
    assert_eq!(state["rows_done"], import.rows);
    let contacts = call(client.get(format!("{api}/contacts?per_page=1")).bearer_auth(token)).await;
    assert_eq!(contacts["total"], import.rows, "no contact lost or written twice");
    let companies = call(client.get(format!("{api}/companies?per_page=1")).bearer_auth(token)).await;
    assert_eq!(companies["total"], 500, "companies found again, not created twice");
    job
}
