//! One delivery attempt: the URL checked and pinned by the guard, signed headers, no
//! redirects followed (a redirect could point anywhere, so it counts as a failure), a
//! time limit, and at most [`RESPONSE_CAP`] bytes of the answer read.

use crate::guard::{self, AddressPolicy, Refused};
use crate::signature;
use futures_util::StreamExt;
use std::time::{Duration, Instant};

/// Bytes of a receiver's answer read at most; the rest is never downloaded.
pub const RESPONSE_CAP: usize = 64 * 1024;
/// Characters of the answer kept in the delivery log.
pub const EXCERPT_CHARS: usize = 1000;

/// A signed message to one URL.
pub struct Outgoing<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    /// The same for every attempt at the same message: receivers deduplicate on it.
    pub message_id: &'a str,
    /// Unix seconds of this attempt, signed with the body.
    pub timestamp: i64,
    pub body: &'a [u8],
}

/// What happened to one attempt.
#[derive(Clone, Debug, Default)]
pub struct Attempt {
    /// The receiver's status code, if it answered.
    pub status: Option<u16>,
    pub response_excerpt: Option<String>,
    /// Why no 2xx came back: refused address, timeout, connection error, redirect.
    pub error: Option<String>,
    pub duration: Duration,
    /// The guard refused the URL: no request was made.
    pub refused: bool,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    fn failed(started: Instant, error: impl Into<String>, refused: bool) -> Attempt {
        Attempt {
            error: Some(error.into()),
            duration: started.elapsed(),
            refused,
            ..Attempt::default()
        }
    }
}

/// Sends one attempt. Never fails: every outcome is an [`Attempt`] for the log.
pub async fn deliver(outgoing: &Outgoing<'_>, policy: AddressPolicy, timeout: Duration) -> Attempt {
    let started = Instant::now();
    let url = match guard::check_form(outgoing.url) {
        Ok(url) => url,
        Err(refused) => return Attempt::failed(started, refused.to_string(), true),
    };
    let addresses = match guard::resolve(&url, policy).await {
        Ok(addresses) => addresses,
        Err(refused @ Refused::Unresolvable) => return Attempt::failed(started, refused.to_string(), false),
        Err(refused) => return Attempt::failed(started, refused.to_string(), true),
    };
    let signature = match signature::sign(outgoing.secret, outgoing.message_id, outgoing.timestamp, outgoing.body) {
        Ok(signature) => signature,
        Err(error) => return Attempt::failed(started, error.to_string(), false),
    };
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent("Kite-Webhooks/1");
    if let Some(host) = url.host_str().filter(|h| h.parse::<std::net::IpAddr>().is_err()) {
        client = client.resolve_to_addrs(host, &addresses);
    }
    let client = match client.build() {
        Ok(client) => client,
        Err(error) => return Attempt::failed(started, format!("no HTTP client: {error}"), false),
    };
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", outgoing.message_id)
        .header("webhook-timestamp", outgoing.timestamp.to_string())
        .header("webhook-signature", signature)
        .body(outgoing.body.to_vec())
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) if error.is_timeout() => {
            return Attempt::failed(started, format!("no answer within {} s", timeout.as_secs_f32()), false);
        }
        Err(error) => return Attempt::failed(started, format!("could not connect: {error}"), false),
    };
    let status = response.status();
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while body.len() < RESPONSE_CAP {
        match stream.next().await {
            Some(Ok(chunk)) => body.extend_from_slice(&chunk[..chunk.len().min(RESPONSE_CAP - body.len())]),
            Some(Err(_)) | None => break,
        }
    }
    let excerpt: String = String::from_utf8_lossy(&body).chars().take(EXCERPT_CHARS).collect();
    Attempt {
        status: Some(status.as_u16()),
        response_excerpt: (!excerpt.is_empty()).then_some(excerpt),
        error: status
            .is_redirection()
            .then(|| "the receiver answered with a redirect, which webhooks do not follow".to_owned()),
        duration: started.elapsed(),
        refused: false,
    }
}
