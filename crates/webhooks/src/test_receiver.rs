//! A webhook receiver on 127.0.0.1 for tests and the bench: it records every request
//! and answers with the statuses it is given, in order, then with its default.

use actix_web::{HttpRequest, HttpResponse, HttpServer, web};
use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub at: Instant,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}

struct Shared {
    received: Mutex<Vec<Received>>,
    script: Mutex<VecDeque<u16>>,
    default_status: Mutex<u16>,
}

#[derive(Clone)]
pub struct TestReceiver {
    pub url: String,
    shared: Arc<Shared>,
}

async fn receive(req: HttpRequest, body: web::Bytes, shared: web::Data<Shared>) -> HttpResponse {
    let received = Received {
        path: req.path().to_owned(),
        headers: req
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect(),
        body: body.to_vec(),
        at: Instant::now(),
    };
    shared
        .received
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(received);
    let scripted = shared
        .script
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .pop_front();
    let status = scripted.unwrap_or_else(|| {
        *shared
            .default_status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    });
    let status = actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::OK);
    HttpResponse::build(status).body(format!("answered {}", status.as_u16()))
}

impl TestReceiver {
    /// Starts on a free port of 127.0.0.1; answers 200 until told otherwise.
    pub fn start() -> std::io::Result<TestReceiver> {
        let shared = Arc::new(Shared {
            received: Mutex::default(),
            script: Mutex::default(),
            default_status: Mutex::new(200),
        });
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let url = format!("http://127.0.0.1:{}/hook", listener.local_addr()?.port());
        let data = web::Data::from(shared.clone());
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .workers(1)
        .listen(listener)?
        .run();
        tokio::spawn(server);
        Ok(TestReceiver { url, shared })
    }

    /// The next requests get these statuses, in order; later ones the default.
    pub fn answer(&self, statuses: &[u16]) {
        self.shared
            .script
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(statuses);
    }

    pub fn answer_always(&self, status: u16) {
        *self
            .shared
            .default_status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = status;
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}
