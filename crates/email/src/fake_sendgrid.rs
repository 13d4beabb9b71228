//! A stand-in for SendGrid on 127.0.0.1, for tests: its mail API (it checks the API
//! key, records every request, and answers like SendGrid: 202 with an `X-Message-Id`,
//! or 401 for a wrong key) and its Event Webhook (once told where, it posts a signed
//! `processed` event for every message it took, retrying until the receiver answers
//! 2xx, as SendGrid does).

use crate::EMAIL_ID_ARG;
use actix_web::{HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey;
use serde_json::{Value, json};
use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const FAKE_API_KEY: &str = "SG.fake-key-for-tests";

/// A fixed key: tests are repeatable and need no randomness.
const SIGNING_SECRET: [u8; 32] = [7; 32];

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: Value,
    pub at: Instant,
}

impl ReceivedMail {
    /// The idempotency key the message carried.
    pub fn email_id(&self) -> Option<String> {
        self.body["personalizations"][0]["custom_args"][EMAIL_ID_ARG]
            .as_str()
            .map(str::to_owned)
    }

    pub fn to(&self) -> Option<String> {
        self.body["personalizations"][0]["to"][0]["email"]
            .as_str()
            .map(str::to_owned)
    }
}

struct Shared {
    received: Mutex<Vec<ReceivedMail>>,
    /// Where events go, and how long after the message they are first posted.
    webhook: Mutex<Option<(String, Duration)>>,
    next_id: AtomicU64,
    /// Messages after this many are taken (and reported) but never answered, as when
    /// the answer is lost on the way back.
    answer_until: AtomicU64,
    http: reqwest::Client,
}

#[derive(Clone)]
pub struct FakeSendGrid {
    pub base_url: String,
    shared: Arc<Shared>,
}

impl FakeSendGrid {
    /// Starts the server on the current actix/tokio runtime; it lives as long as the test.
    pub fn start() -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0")
    }

    /// Starts it at a known address (the benchmark points a separate server at it).
    pub fn start_on(address: &str) -> std::io::Result<Self> {
        let listener = TcpListener::bind(address)?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let shared = Arc::new(Shared {
            received: Mutex::default(),
            webhook: Mutex::default(),
            next_id: AtomicU64::new(1),
            answer_until: AtomicU64::new(u64::MAX),
            http: reqwest::Client::new(),
        });
        let state = shared.clone();
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .app_data(web::Data::new(state.clone()))
                .app_data(web::JsonConfig::default().limit(32 * 1024 * 1024))
                .route("/v3/mail/send", web::post().to(mail_send))
        })
        .workers(2)
        .listen(listener)?
        .run();
        actix_web::rt::spawn(server);
        Ok(Self { base_url, shared })
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.shared.received.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub fn received_count(&self) -> usize {
        self.shared.received.lock().map(|r| r.len()).unwrap_or_default()
    }

    /// Takes every message after the first `n` without ever answering, until
    /// [`answer_again`](Self::answer_again).
    pub fn stop_answering_after(&self, n: u64) {
        self.shared.answer_until.store(n, Ordering::SeqCst);
    }

    pub fn answer_again(&self) {
        self.shared.answer_until.store(u64::MAX, Ordering::SeqCst);
    }

    /// From now on, every message taken is reported to `url` with a signed event,
    /// `delay` after it was taken (SendGrid's come seconds later).
    pub fn post_events_to(&self, url: &str, delay: Duration) {
        if let Ok(mut webhook) = self.shared.webhook.lock() {
            *webhook = Some((url.to_owned(), delay));
        }
    }

    /// The public key to configure Kite with (base64 DER, as SendGrid shows it).
    pub fn public_key_base64() -> String {
        let key = signing_key();
        let der = key
            .verifying_key()
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default();
        STANDARD.encode(der)
    }

    /// The two headers SendGrid signs a batch with.
    pub fn sign(timestamp: &str, body: &[u8]) -> String {
        let mut signed = timestamp.as_bytes().to_vec();
        signed.extend_from_slice(body);
        let signature: Signature = signing_key().sign(&signed);
        STANDARD.encode(signature.to_der().as_bytes())
    }
}

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&SIGNING_SECRET.into()).expect("a valid fixed key")
}

async fn mail_send(req: HttpRequest, body: web::Json<Value>, shared: web::Data<Arc<Shared>>) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mail = ReceivedMail {
        authorization: header("authorization"),
        content_type: header("content-type"),
        body: body.into_inner(),
        at: Instant::now(),
    };
    let authorized = mail.authorization.as_deref() == Some(&format!("Bearer {FAKE_API_KEY}"));
    if !authorized {
        if let Ok(mut list) = shared.received.lock() {
            list.push(mail);
        }
        return HttpResponse::Unauthorized().json(
            json!({"errors": [{"message": "The provided authorization grant is invalid, expired, or revoked"}]}),
        );
    }
    let n = shared.next_id.fetch_add(1, Ordering::SeqCst);
    let message_id = format!("fake{n:012}");
    let event = json!({
        "email": mail.to(),
        "timestamp": chrono::Utc::now().timestamp(),
        "event": "processed",
        "sg_event_id": format!("processed-{message_id}"),
        "sg_message_id": format!("{message_id}.filter0001"),
        EMAIL_ID_ARG: mail.email_id(),
    });
    if let Ok(mut list) = shared.received.lock() {
        list.push(mail);
    }
    let webhook = shared.webhook.lock().ok().and_then(|w| w.clone());
    if let Some((url, delay)) = webhook {
        let http = shared.http.clone();
        actix_web::rt::spawn(deliver(http, url, delay, event));
    }
    while n > shared.answer_until.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    HttpResponse::Accepted()
        .insert_header(("X-Message-Id", message_id))
        .finish()
}

/// Posts one event until the receiver takes it (for up to two minutes).
async fn deliver(http: reqwest::Client, url: String, delay: Duration, event: Value) {
    tokio::time::sleep(delay).await;
    let body = json!([event]).to_string();
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let signature = FakeSendGrid::sign(&timestamp, body.as_bytes());
        let sent = http
            .post(&url)
            .header("content-type", "application/json")
            .header(crate::events::TIMESTAMP_HEADER, &timestamp)
            .header(crate::events::SIGNATURE_HEADER, signature)
            .body(body.clone())
            .send()
            .await;
        if sent.is_ok_and(|r| r.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
