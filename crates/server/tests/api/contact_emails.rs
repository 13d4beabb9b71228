use crate::campaigns::{contact, template};
use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn a_one_off_email_reaches_the_contact_and_lands_on_their_and_the_deals_timeline(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = contact(&app, &admin, "Ann", Some(&unique_email("ann")), &[]).await;
    let ann_id = ann["id"].as_str().expect("id");
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&admin.access_token),
            json!({"title": "Rollout", "value": {"minor": 100_000, "currency": "EUR"}, "contact_ids": [ann_id]}),
        )
        .await;
    assert_eq!(deal.status, StatusCode::CREATED, "{}", deal.body);
    let sent = app
        .post(
            &format!("/api/v1/contacts/{ann_id}/emails"),
            Some(&admin.access_token),
            json!({"subject": "About {{ deal.title }}", "body_html": "<p>Hi {{ contact.first_name }}, <a href=\"https://example.com/q\">the quote</a></p>", "deal_id": deal.body["id"]}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    assert_eq!(sent.body["subject"], "About Rollout");
    app.settle_jobs().await;
    let outbox = app.get("/api/v1/outbox?category=one_off", &admin.access_token).await;
    let html = outbox.body["items"][0]["html_body"].as_str().expect("html");
    assert!(
        html.contains("Hi Ann") && html.contains("http://kite.test/t/c/"),
        "{html}"
    );
    assert!(
        !html.contains("Unsubscribe"),
        "a personal email has no unsubscribe footer: {html}"
    );

    for path in [
        format!("/api/v1/contacts/{ann_id}/timeline"),
        format!("/api/v1/deals/{}/timeline", deal.body["id"].as_str().expect("deal id")),
    ] {
        let timeline = app.get(&path, &admin.access_token).await;
        let email = timeline.body["items"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["kind"] == "email")
            .cloned()
            .unwrap_or_else(|| panic!("no email on {path}: {}", timeline.body));
        assert_eq!(email["title"], "Email sent: About Rollout");
        assert!(email["body"].as_str().is_some_and(|b| b.contains("Sent")), "{email}");
    }
}
on_both_databases!(a_one_off_email_reaches_the_contact_and_lands_on_their_and_the_deals_timeline);

async fn a_one_off_email_to_no_address_a_suppressed_one_or_by_a_viewer_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    let template_id = template(&app, &admin, "<p>Hi</p>").await;
    let nomail = contact(&app, &admin, "Nomail", None, &[]).await;
    let blocked_address = unique_email("blocked");
    let blocked = contact(&app, &admin, "Blocked", Some(&blocked_address), &[]).await;
    app.post(
        "/api/v1/suppressions",
        Some(&admin.access_token),
        json!({"email": blocked_address}),
    )
    .await;
    let path = |c: &serde_json::Value| format!("/api/v1/contacts/{}/emails", c["id"].as_str().expect("id"));
    let body = json!({"template_id": template_id});

    let no_address = app.post(&path(&nomail), Some(&admin.access_token), body.clone()).await;
    assert_eq!(no_address.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_address.field_codes(), vec![("to".to_owned(), "no_email".to_owned())]);
    let suppressed = app.post(&path(&blocked), Some(&admin.access_token), body.clone()).await;
    assert_eq!(suppressed.status, StatusCode::CONFLICT, "{}", suppressed.body);
    assert_eq!(suppressed.code(), "suppressed");
    assert_eq!(
        app.post(&path(&blocked), Some(&viewer.access_token), body.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let broken = app
        .post(
            &path(&blocked),
            Some(&admin.access_token),
            json!({"subject": "Hi", "body_html": "{{ nope }}"}),
        )
        .await;
    assert_eq!(
        broken.field_codes()[0],
        ("body_html".to_owned(), "unknown_variable".to_owned())
    );
    let stranger = app.signup("Initech", &unique_email("boss")).await;
    assert_eq!(
        app.post(&path(&nomail), Some(&stranger.access_token), body)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.count_rows("emails", "").await, 0);
}
on_both_databases!(a_one_off_email_to_no_address_a_suppressed_one_or_by_a_viewer_is_refused);
