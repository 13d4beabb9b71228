//! A stand-in for an OpenAI-compatible chat-completions server on 127.0.0.1, for tests:
//! it checks the API key, records every request, and answers as told: a draft made
//! from the request's intent, a given message, slowly, with errors, or with something
//! that is not an OpenAI answer at all.

use actix_web::{HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Value, json};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const FAKE_AI_KEY: &str = "sk-fake-key-for-tests";
pub const FAKE_MODEL: &str = "fake-model";

#[derive(Clone, Debug, PartialEq)]
pub enum Behaviour {
    /// A valid draft naming the request's intent.
    Draft,
    /// This message content, verbatim.
    Reply(String),
    /// A draft, after this long.
    Slow(Duration),
    /// The next `times` requests fail with `status`; then drafts.
    Fail { status: u16, times: u32 },
    /// A 200 whose body is not a chat completion.
    NotOpenAi,
}

#[derive(Clone, Debug)]
pub struct ReceivedChat {
    pub authorization: Option<String>,
    pub body: Value,
}

impl ReceivedChat {
    /// The user message: the facts the draft was asked for.
    pub fn facts(&self) -> Value {
        self.body["messages"][1]["content"]
            .as_str()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or(Value::Null)
    }
}

struct Shared {
    behaviour: Mutex<Behaviour>,
    received: Mutex<Vec<ReceivedChat>>,
}

#[derive(Clone)]
pub struct FakeOpenAi {
    /// Up to and including `/v1`, as `KITE_AI_BASE_URL` takes it.
    pub base_url: String,
    shared: Arc<Shared>,
}

impl FakeOpenAi {
    /// Starts the server on the current tokio runtime; it lives as long as the runtime.
    pub fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let base_url = format!("http://{}/v1", listener.local_addr()?);
        let shared = Arc::new(Shared {
            behaviour: Mutex::new(Behaviour::Draft),
            received: Mutex::default(),
        });
        let state = shared.clone();
        let server = HttpServer::new(move || {
            actix_web::App::new()
                .app_data(web::Data::new(state.clone()))
                .route("/v1/chat/completions", web::post().to(chat_completions))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        tokio::spawn(server);
        Ok(Self { base_url, shared })
    }

    pub fn set(&self, behaviour: Behaviour) {
        if let Ok(mut current) = self.shared.behaviour.lock() {
            *current = behaviour;
        }
    }

    pub fn received(&self) -> Vec<ReceivedChat> {
        self.shared.received.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

fn completion(content: &str) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": FAKE_MODEL,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content},
            "finish_reason": "stop",
        }],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }))
}

fn error(status: u16, message: &str) -> HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(status).unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status).json(json!({
        "error": {"message": message, "type": "server_error", "param": null, "code": null},
    }))
}

fn draft_for(chat: &ReceivedChat) -> String {
    let intent = chat.facts()["intent"].as_str().unwrap_or_default().to_owned();
    json!({
        "subject": format!("About: {intent}"),
        "body_html": format!(
            "<p>Hi {{{{ contact.first_name | default(\"there\") }}}},</p>\n<p>The fake model wrote this for: {intent}.</p>\n<p>{{{{ sender.name }}}}</p>"
        ),
    })
    .to_string()
}

async fn chat_completions(shared: web::Data<Arc<Shared>>, request: HttpRequest, body: web::Bytes) -> HttpResponse {
    let chat = ReceivedChat {
        authorization: request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    };
    if let Ok(mut received) = shared.received.lock() {
        received.push(chat.clone());
    }
    if chat.authorization.as_deref() != Some(&format!("Bearer {FAKE_AI_KEY}")) {
        return error(401, "Incorrect API key provided");
    }
    let behaviour = match shared.behaviour.lock() {
        Ok(mut behaviour) => {
            let now = behaviour.clone();
            if let Behaviour::Fail { status, times } = now {
                *behaviour = match times {
                    0 | 1 => Behaviour::Draft,
                    _ => Behaviour::Fail {
                        status,
                        times: times - 1,
                    },
                };
            }
            now
        }
        Err(_) => Behaviour::Draft,
    };
    match behaviour {
        Behaviour::Draft | Behaviour::Fail { times: 0, .. } => completion(&draft_for(&chat)),
        Behaviour::Reply(content) => completion(&content),
        Behaviour::Slow(delay) => {
            tokio::time::sleep(delay).await;
            completion(&draft_for(&chat))
        }
        Behaviour::Fail { status, .. } => error(status, "The server had an error while processing your request"),
        Behaviour::NotOpenAi => HttpResponse::Ok()
            .content_type("text/html")
            .body("<html><body>502 Bad Gateway</body></html>"),
    }
}
