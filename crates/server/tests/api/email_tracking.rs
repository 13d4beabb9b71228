use crate::campaigns::{contact, send_to_tag, with_sendgrid};
use crate::helpers::{Backend, unique_email};
use crate::on_both_databases;
use chrono::{Duration, Utc};
use kite_core::marketing::tokens::{self, Purpose};
use kite_email::fake_sendgrid::FakeSendGrid;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The path of the first link in `html` that starts with `prefix`.
fn link(html: &str, prefix: &str) -> String {
    let start = html.find(prefix).unwrap_or_else(|| panic!("no {prefix} in {html}"));
    let rest = &html[start..];
    let end = rest.find('"').unwrap_or(rest.len());
    rest[..end].replace("http://kite.test", "")
}

async fn a_tracked_click_redirects_to_the_original_link_and_counts_once_per_click(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    contact(&app, &admin, "Ann", Some(&unique_email("ann")), &["t"]).await;
    let id = send_to_tag(
        &app,
        &admin,
        r#"<a href="https://example.com/pricing?plan=pro">Pricing</a>"#,
        "t",
    )
    .await;
    let html = fake.received()[0].body["content"][1]["value"]
        .as_str()
        .expect("html")
        .to_owned();

    let click = link(&html, "http://kite.test/t/c/");
    for _ in 0..2 {
        let response = app
            .client
            .get(format!("{}{click}", app.address))
            .send()
            .await
            .expect("click");
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()["location"], "https://example.com/pricing?plan=pro");
    }
    let pixel = link(&html, "http://kite.test/t/o/");
    let opened = app
        .client
        .get(format!("{}{pixel}", app.address))
        .send()
        .await
        .expect("pixel");
    assert_eq!(opened.status(), StatusCode::OK);
    assert_eq!(opened.headers()["content-type"], "image/gif");

    let report = app
        .get(&format!("/api/v1/campaigns/{id}/report"), &admin.access_token)
        .await;
    let stats = &report.body["campaign"]["stats"];
    assert_eq!(
        (stats["clicked"].as_u64(), stats["total_clicks"].as_u64()),
        (Some(1), Some(2)),
        "{stats}"
    );
    assert_eq!(stats["opened"], 1);
    assert_eq!(
        report.body["links"],
        json!([{"url": "https://example.com/pricing?plan=pro", "clicks": 2, "unique_clicks": 1}])
    );
    let recipients = app
        .get(&format!("/api/v1/campaigns/{id}/recipients"), &admin.access_token)
        .await;
    assert_eq!(recipients.status, StatusCode::OK, "{}", recipients.body);
    let recipient = &recipients.body["items"][0];
    assert_eq!(recipient["status"], "clicked");
    assert_eq!(recipient["click_count"], 2);
    assert!(recipient["first_clicked_at"].is_string() && recipient["first_opened_at"].is_string());
}
on_both_databases!(a_tracked_click_redirects_to_the_original_link_and_counts_once_per_click);

async fn a_tampered_unsigned_or_expired_tracking_token_is_404(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    contact(&app, &admin, "Ann", Some(&unique_email("ann")), &["t"]).await;
    send_to_tag(&app, &admin, r#"<a href="https://example.com/">x</a>"#, "t").await;
    let mail = &fake.received()[0];
    let email_id = uuid::Uuid::parse_str(&mail.email_id().expect("key")).expect("uuid");
    let html = mail.body["content"][1]["value"].as_str().expect("html");
    let click = link(html, "http://kite.test/t/c/");
    let mut tampered = click.clone();
    let last = tampered.pop().expect("a char");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let secret = app.state.kite.settings.jwt_secret.clone();
    let expired = tokens::sign(
        &secret,
        Purpose::Click,
        email_id,
        Some("https://example.com/"),
        Utc::now() - Duration::seconds(5),
    );
    let elsewhere = tokens::sign(
        b"somebody-elses-secret-0123456789",
        Purpose::Click,
        email_id,
        Some("https://evil.example/"),
        Utc::now() + Duration::days(1),
    );
    for path in [
        tampered,
        "/t/c/not-a-token".to_owned(),
        format!("/t/c/{expired}"),
        format!("/t/c/{elsewhere}"),
        "/t/o/AAAA".to_owned(),
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.headers().get("location").is_none());
    }
    assert_eq!(app.count_rows("email_events", "WHERE kind = 'click'").await, 0);
}
on_both_databases!(a_tampered_unsigned_or_expired_tracking_token_is_404);

async fn the_unsubscribe_link_suppresses_the_address_for_every_later_campaign(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = unique_email("ann");
    contact(&app, &admin, "Ann", Some(&ann), &["t"]).await;
    contact(&app, &admin, "Bo", Some(&unique_email("bo")), &["t"]).await;
    let id = send_to_tag(&app, &admin, "<p>Hi</p>", "t").await;
    let mail = fake
        .received()
        .into_iter()
        .find(|m| m.to().as_deref() == Some(ann.as_str()))
        .expect("Ann's");
    let header = mail.body["headers"]["List-Unsubscribe"].as_str().expect("header");
    let path = header.trim_matches(['<', '>']).replace("http://kite.test", "");

    let page = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("Unsubscribe from Acme?") && html.contains(&ann), "{html}");
    assert_eq!(
        app.count_rows("suppressions", "").await,
        0,
        "looking is not unsubscribing"
    );

    // What a mail client's one-click unsubscribe sends (RFC 8058).
    let one_click = app
        .client
        .post(format!("{}{path}", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("post");
    assert_eq!(one_click.status(), StatusCode::OK);
    assert!(one_click.text().await.expect("html").contains("You are unsubscribed"));
    let suppressions = app.get("/api/v1/suppressions", &admin.access_token).await;
    assert_eq!(suppressions.body["items"][0]["email"], ann);
    assert_eq!(suppressions.body["items"][0]["reason"], "unsubscribe");

    let count = app
        .post(
            "/api/v1/campaigns/audience-count",
            Some(&admin.access_token),
            json!({"filter": {"tag": "t"}}),
        )
        .await;
    assert_eq!(
        (
            count.body["recipients"].as_u64(),
            count.body["excluded"]["unsubscribed"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let recipients = app
        .get(
            &format!("/api/v1/campaigns/{id}/recipients?status=unsubscribed"),
            &admin.access_token,
        )
        .await;
    assert_eq!(recipients.body["total"], 1);
}
on_both_databases!(the_unsubscribe_link_suppresses_the_address_for_every_later_campaign);

pub(crate) fn signed_post(app: &crate::helpers::TestApp, events: &Value) -> reqwest::RequestBuilder {
    let body = events.to_string();
    let timestamp = Utc::now().timestamp().to_string();
    let signature = FakeSendGrid::sign(&timestamp, body.as_bytes());
    app.client
        .post(format!("{}/api/v1/webhooks/sendgrid/events", app.address))
        .header("content-type", "application/json")
        .header(kite_email::events::TIMESTAMP_HEADER, timestamp)
        .header(kite_email::events::SIGNATURE_HEADER, signature)
        .body(body)
}

async fn signed_sendgrid_events_update_recipients_and_the_suppression_list_once(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for name in ["Ann", "Bo", "Cy"] {
        contact(&app, &admin, name, Some(&unique_email(name)), &["t"]).await;
    }
    let id = send_to_tag(&app, &admin, "<p>Hi</p>", "t").await;
    let mails = fake.received();
    let key = |i: usize| mails[i].email_id().expect("key");
    let events = json!([
        {"email": mails[0].to(), "event": "delivered", "sg_event_id": "ev-1", "timestamp": 1_800_000_000, "kite_email_id": key(0)},
        {"email": mails[1].to(), "event": "bounce", "type": "bounce", "reason": "550 no such user", "sg_event_id": "ev-2", "timestamp": 1_800_000_000, "kite_email_id": key(1)},
        {"email": mails[2].to(), "event": "spamreport", "sg_event_id": "ev-3", "timestamp": 1_800_000_000, "kite_email_id": key(2)},
        {"email": "someone@else.example", "event": "delivered", "sg_event_id": "ev-4", "timestamp": 1_800_000_000},
    ]);
    let first = signed_post(&app, &events).send().await.expect("post");
    assert_eq!(first.status(), StatusCode::OK);
    let outcome: Value = first.json().await.expect("json");
    assert_eq!(
        (outcome["recorded"].as_u64(), outcome["unknown"].as_u64()),
        (Some(3), Some(1))
    );
    let again: Value = signed_post(&app, &events)
        .send()
        .await
        .expect("post")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (again["recorded"].as_u64(), again["duplicates"].as_u64()),
        (Some(0), Some(3))
    );

    let campaign = app.get(&format!("/api/v1/campaigns/{id}"), &admin.access_token).await;
    let stats = &campaign.body["stats"];
    assert_eq!(
        (
            stats["delivered"].as_u64(),
            stats["bounced"].as_u64(),
            stats["spam_reports"].as_u64()
        ),
        (Some(1), Some(1), Some(1)),
        "{stats}"
    );
    let suppressions = app.get("/api/v1/suppressions", &admin.access_token).await;
    let mut reasons: Vec<String> = suppressions.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["reason"].as_str().unwrap_or_default().to_owned())
        .collect();
    reasons.sort();
    assert_eq!(reasons, vec!["bounce", "spam_report"]);
}
on_both_databases!(signed_sendgrid_events_update_recipients_and_the_suppression_list_once);

async fn unsigned_badly_signed_or_malformed_event_batches_change_nothing(backend: Backend) {
    let (app, _fake) = with_sendgrid(backend).await;
    let url = format!("{}/api/v1/webhooks/sendgrid/events", app.address);
    let events = json!([{"event": "bounce", "sg_event_id": "x", "kite_email_id": uuid::Uuid::now_v7().to_string()}]);
    let unsigned = app.client.post(&url).json(&events).send().await.expect("post");
    assert_eq!(unsigned.status(), StatusCode::UNAUTHORIZED);
    let forged = app
        .client
        .post(&url)
        .header(kite_email::events::TIMESTAMP_HEADER, "1800000000")
        .header(
            kite_email::events::SIGNATURE_HEADER,
            FakeSendGrid::sign("1800000000", b"[]"),
        )
        .json(&events)
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    let body: Value = forged.json().await.expect("problem");
    assert_eq!(body["code"], "signature_invalid");
    let malformed = signed_post(&app, &json!({"not": "a list"})).send().await.expect("post");
    assert_eq!(malformed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count_rows("email_events", "").await, 0);
}
on_both_databases!(unsigned_badly_signed_or_malformed_event_batches_change_nothing);
