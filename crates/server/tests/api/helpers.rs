//! Spawns the real app on a random port with a fresh database (SQLite file or a
//! throw-away PostgreSQL database) and talks to it over HTTP.

use kite_server::config::{Config, RateLimit};
use kite_server::startup::{AppSettings, Background, app};
use kite_server::state::AppState;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use std::net::TcpListener;

#[path = "../shared/database.rs"]
mod database;
pub use database::{Backend, Throwaway, postgres_admin_url, replace_database};

/// Generates `mod <name> { fn sqlite(); fn postgres(); }` running `<name>(backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }

            #[actix_web::test]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

pub const PASSWORD: &str = "correct horse battery staple";

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub database: Throwaway,
    _data_dir: tempfile::TempDir,
    _background: Background,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Response {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    pub fn field_codes(&self) -> Vec<(String, String)> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        (
                            e["field"].as_str().unwrap_or_default().to_owned(),
                            e["code"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn set_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("kite_refresh="))
            .map(str::to_owned)
    }
}

/// Who a test signed in as.
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user_id: String,
    pub organization_id: String,
}

pub fn unique_email(prefix: &str) -> String {
    format!("{prefix}-{}@example.com", uuid::Uuid::new_v4().simple())
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let database = Throwaway::create(backend, &data_dir.path().join("kite.db")).await;
        let database_url = database.url.clone();
        let mut config = Config {
            bind: "127.0.0.1:0".into(),
            data_dir: data_dir.path().to_path_buf(),
            database_url,
            jwt_secret: b"test-secret-that-is-long-enough-for-hs256".to_vec(),
            static_dir: None,
            public_url: "http://kite.test".into(),
            sendgrid: None,
            ai: None,
            auth_rate_limit: RateLimit::per_minute(10_000),
            api_rate_limit: RateLimit::per_second(10_000),
            lockout_threshold: 5,
            lockout_window_minutes: 15,
            lockout_minutes: 15,
            access_token_minutes: 15,
            max_json_bytes: 64 * 1024,
            max_upload_bytes: 5 * 1024 * 1024,
            workers: 2,
            metrics_token: None,
            job_lease_seconds: 30,
            database_max_connections: None,
            trusted_proxies: Default::default(),
            export_page_rows: 1000,
            sendgrid_events_key: None,
            email_reconcile_seconds: 900,
            email_send_concurrency: 16,
            analytics_cache: true,
            webhooks: kite_core::integrations::WebhookSettings {
                policy: kite_webhooks::AddressPolicy { allow_loopback: true },
                timeout: std::time::Duration::from_secs(2),
                retry_base: chrono::Duration::milliseconds(100),
            },
        };
        adjust(&mut config);
        let state = AppState::build(&config).await.expect("app state");
        let background = Background::start(&state, &config);
        let settings = AppSettings::new(&config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server_state = state.clone();
        let server = actix_web::HttpServer::new(move || app(server_state.clone(), settings.clone()))
            .workers(1)
            .listen(listener)
            .expect("listen")
            .run();
        actix_web::rt::spawn(server);
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            state,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            database,
            _data_dir: data_dir,
            _background: background,
        }
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Response {
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        read(response).await
    }

    /// Rows in `table`, read straight from the database (tests check what was written).
    pub async fn count_rows(&self, table: &str, filter: &str) -> i64 {
        let db = &self.state.kite.db;
        let sql = format!("SELECT COUNT(*) AS n FROM {table} {filter}");
        let row = db
            .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
            .await
            .expect("count query")
            .expect("a row");
        row.try_get::<i64>("", "n").expect("count")
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// A file the API answers with: its status and bytes.
    pub async fn download(&self, session: &Session, path: &str) -> (StatusCode, Vec<u8>) {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .bearer_auth(&session.access_token)
            .send()
            .await
            .expect("download");
        let status = response.status();
        (status, response.bytes().await.expect("body").to_vec())
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.call(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Response {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    pub async fn signup(&self, organization: &str, email: &str) -> Session {
        let response = self
            .post(
                "/api/v1/auth/signup",
                None,
                json!({"organization_name": organization, "name": "Ada Admin", "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
        session(&response.body)
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": password}),
        )
        .await
    }

    /// Invites `email` with `role` as `admin`, accepts the emailed invitation, and
    /// returns the new user's session.
    pub async fn add_user(&self, admin: &Session, email: &str, role: &str) -> Session {
        let invited = self
            .post(
                "/api/v1/users",
                Some(&admin.access_token),
                json!({"email": email, "name": format!("User {role}"), "role": role}),
            )
            .await;
        assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
        let token = self.emailed_token(admin, email, "invitation").await;
        let accepted = self
            .post(
                "/api/v1/auth/accept-invitation",
                None,
                json!({"token": token, "password": PASSWORD}),
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
        session(&accepted.body)
    }

    /// The token of the newest outbox message of `category` to `email`, read through the
    /// admin's outbox API as a developer would.
    /// Waits until no job is queued or running (emails are sent by workers).
    pub async fn settle_jobs(&self) {
        for _ in 0..200 {
            if self.count_rows("jobs", "WHERE status IN ('queued', 'running')").await == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("jobs still pending after 10 s");
    }

    /// Opens `session`'s live event stream, as the SPA does: a ticket, then the stream.
    pub async fn event_stream(&self, session: &Session) -> (String, reqwest::Response) {
        let ticket = self
            .post("/api/v1/events/ticket", Some(&session.access_token), json!({}))
            .await;
        assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.body);
        let ticket = ticket.body["ticket"].as_str().expect("ticket").to_owned();
        let stream = self
            .client
            .get(format!("{}/api/v1/events?ticket={ticket}", self.address))
            .send()
            .await
            .expect("stream");
        assert_eq!(stream.status(), StatusCode::OK);
        (ticket, stream)
    }

    pub async fn emailed_token(&self, admin: &Session, email: &str, category: &str) -> String {
        self.settle_jobs().await;
        let outbox = self
            .get(
                &format!("/api/v1/outbox?to={email}&category={category}"),
                &admin.access_token,
            )
            .await;
        assert_eq!(outbox.status, StatusCode::OK, "{}", outbox.body);
        let text = outbox.body["items"][0]["text_body"]
            .as_str()
            .expect("an email")
            .to_owned();
        token_in(&text)
    }
}

pub fn token_in(text: &str) -> String {
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

pub fn session(body: &Value) -> Session {
    Session {
        access_token: body["access_token"].as_str().expect("access_token").to_owned(),
        refresh_token: body["refresh_token"].as_str().expect("refresh_token").to_owned(),
        user_id: body["user"]["id"].as_str().expect("user id").to_owned(),
        organization_id: body["organization"]["id"].as_str().expect("organization id").to_owned(),
    }
}

/// Reads an event stream until its text contains `needle` (at most 15 s), and returns it.
pub async fn read_stream_until(stream: &mut reqwest::Response, needle: &str) -> String {
    let mut text = String::new();
    let started = std::time::Instant::now();
    while !text.contains(needle) {
        assert!(started.elapsed().as_secs() < 15, "no {needle} in {text}");
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(5), stream.chunk())
            .await
            .expect("an event in time")
            .expect("stream readable")
            .expect("stream open");
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
    text
}

pub async fn read(response: reqwest::Response) -> Response {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
    };
    Response { status, headers, body }
}
