//! Webhooks: a committed change reaches each subscribed URL once, signed; failures are
//! retried with growing waits; 410 pauses the subscription; refused addresses are
//! refused before and after DNS; a crash between commit and delivery loses nothing.

use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use kite_webhooks::test_receiver::{Received, TestReceiver};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;
use std::time::{Duration, Instant};

async fn subscribe(app: &TestApp, admin: &Session, url: &str, events: &[&str]) -> Value {
    let created = app
        .post(
            "/api/v1/webhook-subscriptions",
            Some(&admin.access_token),
            json!({"url": url, "events": events, "description": "CRM sync"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body
}

async fn contact(app: &TestApp, admin: &Session) -> String {
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Ann", "last_name": "Lee"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().unwrap_or_default().to_owned()
}

async fn rename(app: &TestApp, admin: &Session, id: &str, last_name: &str) {
    let updated = app
        .put(
            &format!("/api/v1/contacts/{id}"),
            &admin.access_token,
            json!({"first_name": "Ann", "last_name": last_name}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
}

/// Waits until the receiver has `count` requests (failing after 15 s).
async fn received(receiver: &TestReceiver, count: usize) -> Vec<Received> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let got = receiver.received();
        if got.len() >= count {
            return got;
        }
        assert!(Instant::now() < deadline, "{} of {count} requests arrived", got.len());
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn log(app: &TestApp, admin: &Session, subscription: &Value, count: usize) -> Vec<Value> {
    let path = format!(
        "/api/v1/webhook-subscriptions/{}/deliveries",
        subscription["id"].as_str().unwrap_or_default()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let page = app.get(&path, &admin.access_token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let items = page.body["items"].as_array().cloned().unwrap_or_default();
        if items.len() >= count {
            return items;
        }
        assert!(Instant::now() < deadline, "{} of {count} attempts logged", items.len());
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The Standard Webhooks check, written here apart from Kite's signer.
fn verifies(request: &Received, secret: &str) -> bool {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a base64 secret");
    let content = format!(
        "{}.{}.{}",
        request.header("webhook-id").unwrap_or_default(),
        request.header("webhook-timestamp").unwrap_or_default(),
        String::from_utf8_lossy(&request.body)
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("a key");
    mac.update(content.as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    request
        .header("webhook-signature")
        .is_some_and(|header| header.split(' ').any(|signature| signature == expected))
}

async fn an_edited_contact_is_delivered_once_signed_with_the_record(backend: Backend) {
    let receiver = TestReceiver::start().expect("receiver");
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let subscription = subscribe(&app, &admin, &receiver.url, &["contact.updated"]).await;
    let secret = subscription["secret"].as_str().unwrap_or_default();
    assert!(secret.starts_with("whsec_"), "{subscription}");
    let id = contact(&app, &admin).await;
    rename(&app, &admin, &id, "Lee-Smith").await;

    let requests = received(&receiver, 1).await;
    app.settle_jobs().await;
    assert_eq!(
        receiver.received().len(),
        1,
        "contact.created was not chosen; the update comes once"
    );
    let request = &requests[0];
    assert!(
        verifies(request, secret),
        "the signature verifies: {:?}",
        request.headers
    );
    let mut tampered = request.clone();
    tampered.body = String::from_utf8_lossy(&request.body)
        .replace("Lee-Smith", "Lee-Smyth")
        .into_bytes();
    assert!(!verifies(&tampered, secret), "a changed body does not verify");
    let body = request.json();
    assert_eq!(body["type"], "contact.updated");
    assert_eq!(
        body["id"].as_str(),
        request.header("webhook-id"),
        "the idempotency id is the message id"
    );
    assert_eq!(body["data"]["id"], id.as_str());
    assert_eq!(
        body["data"]["last_name"], "Lee-Smith",
        "the record as the API returns it"
    );
    let timestamp: i64 = request
        .header("webhook-timestamp")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    assert!((chrono::Utc::now().timestamp() - timestamp).abs() < 60);

    let logged = log(&app, &admin, &subscription, 1).await;
    assert_eq!(logged[0]["outcome"], "succeeded");
    assert_eq!(logged[0]["response_status"], 200);
    assert_eq!(logged[0]["response_excerpt"], "answered 200");
    assert_eq!(
        logged[0]["request_body"].as_str().map(str::as_bytes),
        Some(request.body.as_slice())
    );
}
on_both_databases!(an_edited_contact_is_delivered_once_signed_with_the_record);

async fn a_failing_receiver_is_retried_with_growing_waits_until_it_answers(backend: Backend) {
    let receiver = TestReceiver::start().expect("receiver");
    receiver.answer(&[500, 503]);
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let subscription = subscribe(&app, &admin, &receiver.url, &["contact.created"]).await;
    contact(&app, &admin).await;

    let requests = received(&receiver, 3).await;
    let ids: Vec<_> = requests.iter().map(|r| r.header("webhook-id")).collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "every retry carries the same id: {ids:?}"
    );
    let (first_wait, second_wait) = (requests[1].at - requests[0].at, requests[2].at - requests[1].at);
    // The schedule's first two steps are 1 and 4 units (100 ms here), ±20 %.
    assert!(first_wait >= Duration::from_millis(80), "{first_wait:?}");
    assert!(second_wait >= Duration::from_millis(320), "{second_wait:?}");

    let logged = log(&app, &admin, &subscription, 3).await;
    let summary: Vec<(i64, &str, bool)> = logged
        .iter()
        .rev()
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap_or(0),
                d["outcome"].as_str().unwrap_or_default(),
                d["next_attempt_at"].is_string(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [(1, "failed", true), (2, "failed", true), (3, "succeeded", false)]
    );
    assert_eq!(logged[2]["response_status"], 500);
    app.settle_jobs().await;
    assert_eq!(receiver.received().len(), 3, "nothing after the success");
}
on_both_databases!(a_failing_receiver_is_retried_with_growing_waits_until_it_answers);

async fn a_receiver_answering_410_gone_pauses_its_subscription(backend: Backend) {
    let receiver = TestReceiver::start().expect("receiver");
    receiver.answer_always(410);
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let subscription = subscribe(&app, &admin, &receiver.url, &["contact.created"]).await;
    contact(&app, &admin).await;
    let logged = log(&app, &admin, &subscription, 1).await;
    assert_eq!(
        (
            logged[0]["response_status"].as_i64(),
            logged[0]["next_attempt_at"].is_null()
        ),
        (Some(410), true)
    );
    let path = format!(
        "/api/v1/webhook-subscriptions/{}",
        subscription["id"].as_str().unwrap_or_default()
    );
    let paused = app.get(&path, &admin.access_token).await;
    assert_eq!(paused.body["active"], false, "{}", paused.body);
    assert!(
        paused.body["disabled_reason"]
            .as_str()
            .unwrap_or_default()
            .contains("410")
    );

    contact(&app, &admin).await;
    app.settle_jobs().await;
    assert_eq!(receiver.received().len(), 1, "a paused subscription is sent nothing");
}
on_both_databases!(a_receiver_answering_410_gone_pauses_its_subscription);

async fn refused_urls_and_events_name_the_field_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.webhooks.policy.allow_loopback = false).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let cases = [
        (
            json!({"url": "ftp://example.com/hook", "events": ["contact.created"]}),
            "url",
            "invalid_url",
        ),
        (
            json!({"url": "http://127.0.0.1:9/hook", "events": ["contact.created"]}),
            "url",
            "refused_address",
        ),
        // A name that resolves to loopback is refused after the lookup, not by its spelling.
        (
            json!({"url": "http://localhost:9/hook", "events": ["contact.created"]}),
            "url",
            "refused_address",
        ),
        (
            json!({"url": "http://10.0.0.7/hook", "events": ["contact.created"]}),
            "url",
            "refused_address",
        ),
        (
            json!({"url": "http://169.254.169.254/latest/meta-data", "events": ["contact.created"]}),
            "url",
            "refused_address",
        ),
        (
            json!({"url": "http://[::ffff:127.0.0.1]/hook", "events": ["contact.created"]}),
            "url",
            "refused_address",
        ),
        (
            json!({"url": "https://example.com/hook", "events": []}),
            "events",
            "required",
        ),
        (
            json!({"url": "https://example.com/hook", "events": ["deal.reordered"]}),
            "events[0]",
            "not_subscribable",
        ),
        (
            json!({"url": "https://example.com/hook", "events": ["contact.exploded"]}),
            "events[0]",
            "invalid_value",
        ),
    ];
    for (body, field, code) in cases {
        let refused = app
            .post("/api/v1/webhook-subscriptions", Some(&admin.access_token), body.clone())
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            refused.body
        );
        assert!(
            refused.field_codes().contains(&(field.to_owned(), code.to_owned())),
            "{body} should be {field}/{code}: {}",
            refused.body
        );
    }
    assert_eq!(app.count_rows("webhook_subscriptions", "").await, 0);
}
on_both_databases!(refused_urls_and_events_name_the_field_and_write_nothing);

async fn a_change_committed_before_a_crash_is_delivered_once_after_the_restart(backend: Backend) {
    let receiver = TestReceiver::start().expect("receiver");
    // No workers: the change commits with its event, and nothing delivers it yet, as
    // when the process dies right after the commit.
    let app = TestApp::spawn_with(backend, |config| config.workers = 0).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    subscribe(&app, &admin, &receiver.url, &["contact.created"]).await;
    contact(&app, &admin).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(receiver.received().is_empty());
    assert_eq!(
        app.count_rows(
            "domain_events",
            "WHERE dispatched_at IS NULL AND kind = 'contact.created'"
        )
        .await,
        1
    );

    // The restarted process's workers (two, as two instances would race for it).
    let kite = app.state.kite.clone();
    let config = kite_jobs::WorkerConfig::default();
    let first = kite_jobs::Workers::start(kite.clone(), kite_jobs::kinds::all(), config.clone());
    let second = kite_jobs::Workers::start(kite, kite_jobs::kinds::all(), config);
    received(&receiver, 1).await;
    app.settle_jobs().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receiver.received().len(), 1, "delivered once");
    first.shutdown(Duration::from_secs(5)).await;
    second.shutdown(Duration::from_secs(5)).await;
}
on_both_databases!(a_change_committed_before_a_crash_is_delivered_once_after_the_restart);

async fn a_test_event_and_a_redelivery_reach_the_receiver_with_the_same_id(backend: Backend) {
    let receiver = TestReceiver::start().expect("receiver");
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let subscription = subscribe(&app, &admin, &receiver.url, &["deal.won"]).await;
    let id = subscription["id"].as_str().unwrap_or_default();
    let queued = app
        .post(
            &format!("/api/v1/webhook-subscriptions/{id}/test"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(queued.status, StatusCode::ACCEPTED, "{}", queued.body);
    let first = received(&receiver, 1).await;
    assert_eq!(first[0].json()["type"], "webhook.test");
    assert_eq!(first[0].header("webhook-id"), queued.body["message_id"].as_str());

    let logged = log(&app, &admin, &subscription, 1).await;
    let again = app
        .post(
            &format!(
                "/api/v1/webhook-subscriptions/{id}/deliveries/{}/redeliver",
                logged[0]["id"].as_str().unwrap_or_default()
            ),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.body);
    let both = received(&receiver, 2).await;
    assert_eq!(both[1].header("webhook-id"), both[0].header("webhook-id"));
    assert_eq!(both[1].body, both[0].body, "the same message, byte for byte");
}
on_both_databases!(a_test_event_and_a_redelivery_reach_the_receiver_with_the_same_id);

async fn webhooks_are_for_admins_and_keys_with_the_webhooks_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let body = json!({"url": "http://127.0.0.1:9/hook", "events": ["deal.won"]});
    let refused = app
        .post(
            "/api/v1/webhook-subscriptions",
            Some(&manager.access_token),
            body.clone(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let key = |scopes: Value| {
        let app = &app;
        let admin = &admin;
        async move {
            let created = app
                .post(
                    "/api/v1/api-keys",
                    Some(&admin.access_token),
                    json!({"name": "Zapier", "scopes": scopes}),
                )
                .await;
            created.body["secret"].as_str().unwrap_or_default().to_owned()
        }
    };
    let writer = key(json!(["webhooks:write"])).await;
    assert_eq!(
        app.post("/api/v1/webhook-subscriptions", Some(&writer), body.clone())
            .await
            .status,
        StatusCode::CREATED
    );
    let other = key(json!(["contacts:write"])).await;
    let no = app.post("/api/v1/webhook-subscriptions", Some(&other), body).await;
    assert_eq!(
        (no.status, no.body["details"]["scope"].as_str()),
        (StatusCode::FORBIDDEN, Some("webhooks:write"))
    );

    let stranger = app.signup("Globex", &unique_email("other")).await;
    let theirs = app.get("/api/v1/webhook-subscriptions", &stranger.access_token).await;
    assert_eq!(theirs.body, json!([]), "another organization sees none of them");
    let ours = subscribe(&app, &admin, "http://127.0.0.1:9/hook", &["deal.won"]).await;
    let path = format!(
        "/api/v1/webhook-subscriptions/{}",
        ours["id"].as_str().unwrap_or_default()
    );
    let change = json!({"url": "http://127.0.0.1:9/other", "events": ["deal.lost"]});
    assert_eq!(
        app.get(&path, &stranger.access_token).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.put(&path, &stranger.access_token, change).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("{path}/deliveries"), &stranger.access_token)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&path, &stranger.access_token).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&path, &admin.access_token).await.body["url"],
        "http://127.0.0.1:9/hook",
        "unchanged"
    );
}
on_both_databases!(webhooks_are_for_admins_and_keys_with_the_webhooks_scope);
