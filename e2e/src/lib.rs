//! The harness of the browser suite: starts the real kite-server binary (temporary data
//! dir, SQLite, a free port) with the built SPA, and headless Debian Chromium through
//! chromedriver, and gives tests a WebDriver client.
//!
//! It builds nothing: `just e2e` (and `just test`) build the server and the SPA first.
//! `KITE_E2E_SERVER_BIN`, `KITE_E2E_STATIC_DIR`, `KITE_E2E_CHROMIUM` and
//! `KITE_E2E_CHROMEDRIVER` override where things are found.

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

pub const PASSWORD: &str = "correct horse battery staple";
const WAIT: Duration = Duration::from_secs(20);

fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("target"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_until_answering(url: &str, what: &str) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + WAIT;
    while Instant::now() < deadline {
        if client.get(url).send().await.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not answer at {url} within {WAIT:?}");
}

/// A running kite-server on its own empty SQLite database.
pub struct Server {
    pub base_url: String,
    _process: Child,
    _data_dir: tempfile::TempDir,
}

impl Server {
    pub async fn start() -> Server {
        Self::start_with_env(&[]).await
    }

    /// A server with these environment variables set too (an AI model, say).
    pub async fn start_with_env(env: &[(&str, &str)]) -> Server {
        let binary = std::env::var_os("KITE_E2E_SERVER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_dir().join("debug/kite-server"));
        assert!(
            binary.exists(),
            "{} is missing: run `just e2e`, which builds it",
            binary.display()
        );
        // The SPA embedded in the binary, as users run it, unless a directory is named.
        let static_dir = std::env::var_os("KITE_E2E_STATIC_DIR").map(PathBuf::from);
        let data_dir = tempfile::tempdir().expect("data dir");
        let port = free_port();
        let base_url = format!("http://127.0.0.1:{port}");
        let mut command = Command::new(binary);
        command.env_clear();
        if let Some(dir) = &static_dir {
            command.env("KITE_STATIC_DIR", dir);
        }
        let process = command
            .arg("serve")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("KITE_BIND", format!("127.0.0.1:{port}"))
            .env("KITE_DATA_DIR", data_dir.path())
            .env("KITE_PUBLIC_URL", &base_url)
            .env("RUST_LOG", "error")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start kite-server");
        wait_until_answering(&format!("{base_url}/api/v1/health"), "kite-server").await;
        let built = static_dir
            .unwrap_or_else(|| workspace_dir().join("frontend/dist"))
            .join("index.html");
        let built = std::fs::read_to_string(&built)
            .unwrap_or_else(|e| panic!("{}: {e}; run `just build-spa`", built.display()));
        let served = reqwest::get(&base_url)
            .await
            .and_then(|r| r.error_for_status())
            .expect("the SPA shell");
        assert_eq!(
            served.text().await.expect("the SPA shell"),
            built,
            "the server serves another SPA build than frontend/dist: run `cargo build -p kite-server`"
        );
        Server {
            base_url,
            _process: process,
            _data_dir: data_dir,
        }
    }

    /// Creates an organization through the API (faster than the UI when the test is
    /// about something else). Returns the admin's email.
    pub async fn signup(&self, organization: &str) -> String {
        let email = unique_email("admin");
        let response = reqwest::Client::new()
            .post(format!("{}/api/v1/auth/signup", self.base_url))
            .json(
                &json!({"organization_name": organization, "name": "Ada Admin", "email": email, "password": PASSWORD}),
            )
            .send()
            .await
            .expect("signup");
        assert_eq!(response.status(), 201, "signup through the API");
        email
    }

    /// Signs in through the API and returns the access token.
    pub async fn api_login(&self, email: &str) -> String {
        let body = self
            .api(
                "POST",
                "/auth/login",
                None,
                json!({"email": email, "password": PASSWORD}),
            )
            .await;
        body["access_token"].as_str().expect("an access token").to_owned()
    }

    /// Calls `/api/v1{path}` and returns the JSON answer, failing the test on an error.
    pub async fn api(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: serde_json::Value,
    ) -> serde_json::Value {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut request = reqwest::Client::new().request(method.clone(), format!("{}/api/v1{path}", self.base_url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if method != reqwest::Method::GET {
            request = request.json(&body);
        }
        let response = request.send().await.expect("an API answer");
        let status = response.status();
        let text = response.text().await.expect("an API body");
        assert!(status.is_success(), "{method} {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
    }

    /// The status of `GET /api/v1{path}`, for tests about what is refused or gone.
    pub async fn api_status(&self, path: &str, token: &str) -> u16 {
        reqwest::Client::new()
            .get(format!("{}/api/v1{path}", self.base_url))
            .bearer_auth(token)
            .send()
            .await
            .expect("an API answer")
            .status()
            .as_u16()
    }

    /// Adds a user with `role` to the admin's organization the way a person would join
    /// (invitation, emailed token, own password), but through the API. Signs in with
    /// [`PASSWORD`].
    pub async fn add_user(&self, admin_email: &str, email: &str, role: &str) {
        let admin = self.api_login(admin_email).await;
        let invite = json!({"email": email, "name": format!("Test {role}"), "role": role});
        self.api("POST", "/users", Some(&admin), invite).await;
        // A worker sends the invitation a moment after the request.
        let mut outbox = json!(null);
        for _ in 0..100 {
            outbox = self
                .api("GET", &format!("/outbox?to={email}"), Some(&admin), json!(null))
                .await;
            if outbox["items"][0]["text_body"].is_string() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let text = outbox["items"][0]["text_body"].as_str().expect("an invitation email");
        let token = text
            .split("token=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("a token in the invitation");
        self.api(
            "POST",
            "/auth/accept-invitation",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    }
}

pub fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// Headless Chromium driven over WebDriver.
pub struct Browser {
    pub client: Client,
    pub base_url: String,
    _driver: Child,
    profile: tempfile::TempDir,
    /// Where Chromium saves downloads, without asking.
    downloads: tempfile::TempDir,
}

impl Browser {
    pub async fn open(server: &Server, width: u32, height: u32) -> Browser {
        let chromedriver = std::env::var("KITE_E2E_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let chromium = std::env::var("KITE_E2E_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start chromedriver (Debian package chromium-driver)");
        wait_until_answering(&format!("http://127.0.0.1:{port}/status"), "chromedriver").await;
        let profile = tempfile::tempdir().expect("profile dir");
        let downloads = tempfile::tempdir().expect("downloads dir");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    // A test that switches tabs reloads one in the background: Chrome must
                    // not freeze or throttle it while another tab is in front.
                    "--disable-renderer-backgrounding",
                    "--disable-background-timer-throttling",
                    "--disable-backgrounding-occluded-windows",
                    format!("--user-data-dir={}", profile.path().display()),
                    format!("--window-size={width},{height}"),
                ],
                "prefs": {
                    "download.default_directory": downloads.path(),
                    "download.prompt_for_download": false,
                },
            }),
        );
        // Two crypto providers are linked in (through fantoccini and reqwest), so rustls
        // needs to be told which one to use. A second install is a harmless no-op.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()
            .expect("TLS setup")
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("a WebDriver session");
        client.set_window_size(width, height).await.expect("window size");
        Browser {
            client,
            base_url: server.base_url.clone(),
            _driver: driver,
            profile,
            downloads,
        }
    }

    pub async fn goto(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base_url))
            .await
            .expect("navigate");
    }

    pub async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(WAIT).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(e) => {
                self.failure_screenshot().await;
                panic!("no element `{css}`: {e}")
            }
        }
    }

    /// What the page looked like when a test gave up, named after the test's thread.
    async fn failure_screenshot(&self) {
        let name = std::thread::current().name().unwrap_or("unknown").replace("::", "-");
        self.screenshot(&format!("failed-{name}")).await;
    }

    pub async fn exists(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks `css`. While something lies over it for a moment (a toast that will go),
    /// it waits until the element can take the click, as a person would.
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            match self.find(css).await.click().await {
                Ok(_) => return,
                Err(e) if format!("{e:?}").contains("ElementClickIntercepted") && Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    self.failure_screenshot().await;
                    panic!("click `{css}`: {e}");
                }
            }
        }
    }

    /// Clicks the first element matching `css` whose text contains `text`.
    pub async fn click_text(&self, css: &str, text: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            for element in self.client.find_all(Locator::Css(css)).await.unwrap_or_default() {
                if element.text().await.is_ok_and(|t| t.contains(text)) && element.click().await.is_ok() {
                    return;
                }
            }
            if Instant::now() >= deadline {
                self.failure_screenshot().await;
                panic!("no `{css}` with text {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Picks `label` in the select `css` once that option has arrived (options often
    /// come from the API after the select is shown).
    pub async fn choose(&self, css: &str, label: &str) {
        self.wait_for_text(css, label).await;
        self.find(css)
            .await
            .select_by_label(label)
            .await
            .expect("choose an option");
    }

    /// Waits until `css` shows text containing `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if last.contains(expected) {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.failure_screenshot().await;
        panic!("`{css}` never showed {expected:?} (last: {last:?})");
    }

    /// Waits until `css` is present and no longer shows `gone`.
    pub async fn wait_for_text_gone(&self, css: &str, gone: &str) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && element.text().await.is_ok_and(|t| !t.contains(gone))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.failure_screenshot().await;
        panic!("`{css}` still shows {gone:?}");
    }

    /// Waits until nothing matches `css` any more.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if !self.exists(css).await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.failure_screenshot().await;
        panic!("`{css}` is still there");
    }

    pub async fn wait_for_path(&self, expected: &str) {
        let deadline = Instant::now() + WAIT;
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(url) = self.client.current_url().await {
                last = url.path().to_owned();
                if last == expected {
                    return;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.failure_screenshot().await;
        panic!("never reached {expected} (at {last})");
    }

    pub async fn script(&self, js: &str) -> serde_json::Value {
        self.client.execute(js, vec![]).await.expect("script")
    }

    /// Waits for a finished download and returns its file name and text.
    pub async fn downloaded(&self) -> (String, String) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            let done = std::fs::read_dir(self.downloads.path())
                .expect("downloads dir")
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                // Chromium writes into `.crdownload` and renames when it is complete.
                .find(|path| path.extension().is_some_and(|e| e != "crdownload" && e != "tmp"));
            if let Some(path) = done {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let text = std::fs::read_to_string(&path).expect("a text download");
                return (name, text);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.failure_screenshot().await;
        panic!("nothing was downloaded into {}", self.downloads.path().display());
    }

    /// Saves a PNG into `target/e2e-screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        // Let transitions and fonts settle so the picture shows the finished page.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = target_dir().join("e2e-screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// Saves `<name>-light` and `<name>-dark`, switching the theme in place (a reload
    /// would lose a dialog or a wizard's state), and leaves the light theme on.
    pub async fn screenshots_in_both_themes(&self, name: &str) {
        for theme in ["light", "dark"] {
            self.script(&format!(
                "document.documentElement.setAttribute('data-theme', '{theme}'); return true"
            ))
            .await;
            self.screenshot(&format!("{name}-{theme}")).await;
        }
        self.script("document.documentElement.setAttribute('data-theme', 'light'); return true")
            .await;
    }

    /// The current value of a form field.
    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .expect("the field's value")
            .unwrap_or_default()
    }

    /// Signs in through the login form and waits for the app.
    pub async fn login(&self, email: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#field-email", email).await;
        self.fill("#field-password", password).await;
        self.click("button[type=submit]").await;
        self.find("[data-testid=org-name]").await;
    }

    pub async fn sign_out(&self) {
        self.click("[data-testid=user-menu]").await;
        self.click("[data-testid=sign-out]").await;
        self.wait_for_path("/login").await;
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// Chromium outlives a killed chromedriver, so a test that panics before `close` would
/// leave it running. Its command line names this browser's own profile directory, which
/// no other process has.
impl Drop for Browser {
    fn drop(&mut self) {
        let _ = std::process::Command::new("pkill")
            .args([
                "-KILL",
                "-f",
                &format!("--user-data-dir={}", self.profile.path().display()),
            ])
            .stderr(Stdio::null())
            .status();
    }
}
