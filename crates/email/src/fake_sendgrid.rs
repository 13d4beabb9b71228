//! A stand-in for SendGrid's mail API on 127.0.0.1, for tests. It checks the API key,
//! records every request, and answers like SendGrid: 202, or 401 for a wrong key.

use actix_web::{HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub const FAKE_API_KEY: &str = "SG.fake-key-for-tests";

#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub body: Value,
}

#[derive(Clone)]
pub struct FakeSendGrid {
    pub base_url: String,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl FakeSendGrid {
    /// Starts the server on the current actix/tokio runtime; it lives as long as the test.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let received: Arc<Mutex<Vec<ReceivedMail>>> = Arc::default();
        let shared = received.clone();
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .app_data(web::Data::new(shared.clone()))
                .app_data(web::JsonConfig::default().limit(32 * 1024 * 1024))
                .route("/v3/mail/send", web::post().to(mail_send))
        })
        .workers(1)
        .listen(listener)?
        .run();
        actix_web::rt::spawn(server);
        Ok(Self { base_url, received })
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

async fn mail_send(
    req: HttpRequest,
    body: web::Json<Value>,
    received: web::Data<Arc<Mutex<Vec<ReceivedMail>>>>,
) -> HttpResponse {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mail = ReceivedMail {
        authorization: header("authorization"),
        content_type: header("content-type"),
        body: body.into_inner(),
    };
    let authorized = mail.authorization.as_deref() == Some(&format!("Bearer {FAKE_API_KEY}"));
    if let Ok(mut list) = received.lock() {
        list.push(mail);
    }
    if authorized {
        HttpResponse::Accepted().finish()
    } else {
        HttpResponse::Unauthorized()
            .json(serde_json::json!({"errors": [{"message": "The provided authorization grant is invalid, expired, or revoked"}]}))
    }
}
