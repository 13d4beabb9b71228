//! The real `kite-server` binary as a child process, for tests that kill, restart or
//! run several instances of it.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use reqwest::Client;
use serde_json::Value;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A running `kite-server serve`; killed (-9) when dropped.
pub struct Instance {
    pub child: Child,
    /// `http://127.0.0.1:PORT/api/v1`
    pub api: String,
}

impl Instance {
    /// Starts the server on a port the system picks, with short job leases, and waits
    /// until it answers. `env` adds or overrides settings.
    pub async fn start(data_dir: &Path, database_url: &str, env: &[(&str, &str)]) -> Instance {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kite-server"));
        command
            .arg("serve")
            .env("KITE_BIND", "127.0.0.1:0")
            .env("KITE_DATA_DIR", data_dir)
            .env("DATABASE_URL", database_url)
            .env("KITE_JOB_LEASE_SECONDS", "3")
            .env("KITE_WORKERS", "1")
            .env("KITE_DATABASE_MAX_CONNECTIONS", "10")
            .env("KITE_API_RATE_PER_SECOND", "100000")
            .env("KITE_AUTH_RATE_PER_MINUTE", "100000")
            .env("KITE_LOG_FORMAT", "json")
            .env("RUST_LOG", "error,kite_server::startup=info")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start kite-server");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let address = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                let Ok(entry) = serde_json::from_str::<Value>(&line) else {
                    eprintln!("{line}");
                    continue;
                };
                if let Some(address) = entry["fields"]["address"].as_str() {
                    return Some(address.to_owned());
                }
                eprintln!("{line}");
            }
            None
        })
        .await
        .ok()
        .flatten()
        .expect("kite-server did not start");
        // Its errors stay visible beside the test's output (and the pipe never fills).
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("{line}");
            }
        });
        let api = format!("http://{address}/api/v1");
        let client = Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if client
                .get(format!("{api}/health"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Instance { child, api };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("kite-server at {address} did not answer");
    }

    /// The prefix of this process's job workers' names.
    pub fn worker_prefix(&self) -> String {
        format!("{}.", self.child.id().expect("a running instance"))
    }

    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill -9");
    }
}

/// Sends the request and returns its JSON body, failing the test on any error status.
pub async fn call(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.expect("request");
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert!(status.is_success(), "{status}: {body}");
    body
}
