//! `kite-server` is all an operator copies: alone in an empty directory, with no
//! configuration, it creates its SQLite database and serves the web app and the API.

use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::Command;

const SPA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frontend/dist/index.html");

#[tokio::test]
async fn the_binary_alone_serves_the_spa_and_the_api() {
    let built = std::fs::read_to_string(SPA).unwrap_or_else(|e| panic!("{SPA}: {e}; run `just build-spa` first"));
    let dir = tempfile::tempdir().expect("empty directory");
    let binary = dir.path().join("kite-server");
    std::fs::copy(env!("CARGO_BIN_EXE_kite-server"), &binary).expect("copy the binary");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let _server = Command::new(&binary)
        .current_dir(dir.path())
        .env_clear()
        .env("KITE_BIND", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start the copied binary");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let health = client.get(format!("{base}/api/v1/health")).send().await;
        if health.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        assert!(Instant::now() < deadline, "the copied binary did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let shell = client.get(format!("{base}/contacts")).send().await.expect("shell");
    assert!(shell.status().is_success());
    assert_eq!(
        shell.text().await.expect("shell"),
        built,
        "the embedded SPA is this build's"
    );
    let wasm_name = built
        .split(['"', '\''])
        .find(|part| part.ends_with("_bg.wasm"))
        .expect("the shell names its wasm");
    let wasm = client.get(format!("{base}{wasm_name}")).send().await.expect("wasm");
    assert!(wasm.status().is_success(), "{wasm_name}: {}", wasm.status());
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert!(
        wasm.headers()["cache-control"]
            .to_str()
            .unwrap_or_default()
            .contains("immutable")
    );
    let bytes = wasm.bytes().await.expect("wasm body");
    assert_eq!(&bytes[..4], b"\0asm");

    let signup = client
        .post(format!("{base}/api/v1/auth/signup"))
        .json(&serde_json::json!({
            "organization_name": "Alone Ltd", "name": "Ada", "email": "ada@alone.example",
            "password": "correct horse battery staple",
        }))
        .send()
        .await
        .expect("signup");
    assert_eq!(signup.status(), reqwest::StatusCode::CREATED);
    assert!(dir.path().join("data").is_dir(), "the database lives beside the binary");
}
