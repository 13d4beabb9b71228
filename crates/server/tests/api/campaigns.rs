use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use kite_email::SendGridConfig;
use kite_email::fake_sendgrid::{FAKE_API_KEY, FakeSendGrid};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// An app that sends through a fake SendGrid, which reports its `processed` events back.
pub async fn with_sendgrid(backend: Backend) -> (TestApp, FakeSendGrid) {
    let fake = FakeSendGrid::start().expect("fake SendGrid");
    let base_url = fake.base_url.clone();
    let app = TestApp::spawn_with(backend, move |config| {
        config.sendgrid = Some(SendGridConfig {
            api_key: FAKE_API_KEY.into(),
            base_url,
            from_email: "crm@acme.test".into(),
            from_name: "Acme CRM".into(),
        });
        config.sendgrid_events_key =
            Some(kite_email::events::EventWebhookKey::from_base64(&FakeSendGrid::public_key_base64()).expect("key"));
    })
    .await;
    fake.post_events_to(
        &format!("{}/api/v1/webhooks/sendgrid/events", app.address),
        Duration::ZERO,
    );
    (app, fake)
}

pub async fn contact(app: &TestApp, session: &Session, first_name: &str, email: Option<&str>, tags: &[&str]) -> Value {
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&session.access_token),
            json!({"first_name": first_name, "last_name": "Tester", "email": email, "tags": tags}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body
}

pub async fn template(app: &TestApp, session: &Session, body_html: &str) -> String {
    let created = app
        .post(
            "/api/v1/email-templates",
            Some(&session.access_token),
            json!({"name": "Launch", "subject": "News for {{ contact.first_name }}", "body_html": body_html}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

pub async fn campaign_for_tag(app: &TestApp, session: &Session, template_id: &str, tag: &str, rate: u32) -> String {
    let created = app
        .post(
            "/api/v1/campaigns",
            Some(&session.access_token),
            json!({
                "name": format!("Campaign for {tag}"),
                "template_id": template_id,
                "audience": {"kind": "filter", "filter": {"tag": tag}},
                "rate_per_minute": rate,
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

/// A campaign of `body_html` to the contacts tagged `tag`, sent and finished.
pub async fn send_to_tag(app: &TestApp, session: &Session, body_html: &str, tag: &str) -> String {
    let template_id = template(app, session, body_html).await;
    let id = campaign_for_tag(app, session, &template_id, tag, 600).await;
    let sent = app
        .post(
            &format!("/api/v1/campaigns/{id}/send"),
            Some(&session.access_token),
            json!({}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    wait_for_status(app, session, &id, "sent").await;
    id
}

/// Waits until the campaign reaches `status` (sending runs on the workers).
pub async fn wait_for_status(app: &TestApp, session: &Session, id: &str, status: &str) -> Value {
    for _ in 0..300 {
        let campaign = app.get(&format!("/api/v1/campaigns/{id}"), &session.access_token).await;
        if campaign.body["status"] == status {
            return campaign.body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("campaign {id} never became {status}");
}

async fn the_audience_count_leaves_out_contacts_without_email_and_suppressed_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for name in ["Ann", "Bo", "Cy"] {
        contact(&app, &admin, name, Some(&unique_email(name)), &["launch"]).await;
    }
    contact(&app, &admin, "Nomail", None, &["launch"]).await;
    let blocked = unique_email("blocked");
    contact(&app, &admin, "Blocked", Some(&blocked), &["launch"]).await;
    contact(&app, &admin, "Other", Some(&unique_email("other")), &["other"]).await;
    let suppressed = app
        .post(
            "/api/v1/suppressions",
            Some(&admin.access_token),
            json!({"email": blocked.to_uppercase()}),
        )
        .await;
    assert_eq!(suppressed.status, StatusCode::CREATED, "{}", suppressed.body);
    let again = app
        .post(
            "/api/v1/suppressions",
            Some(&admin.access_token),
            json!({"email": blocked}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let count = app
        .post(
            "/api/v1/campaigns/audience-count",
            Some(&admin.access_token),
            json!({"kind": "filter", "filter": {"tag": "launch"}}),
        )
        .await;
    assert_eq!(count.status, StatusCode::OK, "{}", count.body);
    assert_eq!(count.body["matched"], 5);
    assert_eq!(count.body["recipients"], 3);
    assert_eq!(count.body["excluded"]["no_email"], 1);
    assert_eq!(count.body["excluded"]["suppressed"], 1);

    let empty_list = app
        .post(
            "/api/v1/campaigns/audience-count",
            Some(&admin.access_token),
            json!({"kind": "list", "contact_ids": []}),
        )
        .await;
    assert_eq!(empty_list.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty_list.field_codes()[0].0, "audience.contact_ids");
}
on_both_databases!(the_audience_count_leaves_out_contacts_without_email_and_suppressed_ones);

async fn a_campaign_sends_each_recipient_one_tracked_email_with_unsubscribe_headers(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin_address = unique_email("admin");
    let admin = app.signup("Acme", &admin_address).await;
    let mut addresses = Vec::new();
    for name in ["Ann", "Bo", "Cy"] {
        let email = unique_email(name);
        contact(&app, &admin, name, Some(&email), &["launch"]).await;
        addresses.push(email.to_lowercase());
    }
    contact(&app, &admin, "Nomail", None, &["launch"]).await;
    let template_id = template(
        &app,
        &admin,
        r#"<p>Hi {{ contact.first_name }}</p><a href="https://example.com/pricing">Pricing</a>"#,
    )
    .await;
    let id = campaign_for_tag(&app, &admin, &template_id, "launch", 600).await;
    let sent = app
        .post(
            &format!("/api/v1/campaigns/{id}/send"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(sent.body["excluded"]["no_email"], 1);
    let done = wait_for_status(&app, &admin, &id, "sent").await;
    assert_eq!(done["stats"]["sent"], 3, "{done}");

    let received = fake.received();
    assert_eq!(received.len(), 3);
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for mail in &received {
        *per_address.entry(mail.to().expect("to")).or_default() += 1;
        let body = &mail.body;
        assert_eq!(body["from"]["email"], admin_address);
        assert!(mail.email_id().is_some(), "custom_args carry the idempotency key");
        let unsubscribe = body["headers"]["List-Unsubscribe"].as_str().expect("List-Unsubscribe");
        assert!(unsubscribe.starts_with("<http://kite.test/u/"), "{unsubscribe}");
        assert_eq!(body["headers"]["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
        let html = body["content"][1]["value"].as_str().expect("html");
        assert!(html.contains("http://kite.test/t/c/"), "links are tracked: {html}");
        assert!(!html.contains("href=\"https://example.com/pricing\""), "{html}");
        assert!(html.contains("http://kite.test/t/o/"), "open pixel: {html}");
        assert!(body["subject"].as_str().expect("subject").starts_with("News for "));
    }
    assert_eq!(per_address.len(), 3);
    assert!(per_address.values().all(|n| *n == 1));
    assert!(addresses.iter().all(|a| per_address.contains_key(a)));
}
on_both_databases!(a_campaign_sends_each_recipient_one_tracked_email_with_unsubscribe_headers);

async fn a_second_send_or_an_edit_while_sending_is_409(backend: Backend) {
    let (app, _fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for name in ["Ann", "Bo"] {
        contact(&app, &admin, name, Some(&unique_email(name)), &["slow"]).await;
    }
    let template_id = template(&app, &admin, "<p>Hi</p>").await;
    // One email a minute: the second waits, so the campaign stays `sending`.
    let id = campaign_for_tag(&app, &admin, &template_id, "slow", 1).await;
    let path = format!("/api/v1/campaigns/{id}");
    let first = app
        .post(&format!("{path}/send"), Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let second = app
        .post(&format!("{path}/send"), Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    assert_eq!(second.code(), "campaign_already_started");
    let edit = app
        .put(
            &path,
            &admin.access_token,
            json!({"name": "Renamed", "template_id": template_id, "audience": {"kind": "filter", "filter": {"tag": "slow"}}}),
        )
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT, "{}", edit.body);
    assert_eq!(app.count_rows("emails", "").await, 2, "the emails were made once");

    let paused = app
        .post(&format!("{path}/pause"), Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(paused.body["status"], "paused");
    let cancelled = app
        .post(&format!("{path}/cancel"), Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(
        app.post(&format!("{path}/resume"), Some(&admin.access_token), json!({}))
            .await
            .status,
        StatusCode::CONFLICT
    );
}
on_both_databases!(a_second_send_or_an_edit_while_sending_is_409);

async fn sending_keeps_to_the_campaigns_rate(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for name in ["Ann", "Bo", "Cy", "Di"] {
        contact(&app, &admin, name, Some(&unique_email(name)), &["paced"]).await;
    }
    let template_id = template(&app, &admin, "<p>Hi</p>").await;
    // 120 a minute: batches of two, one second apart.
    let id = campaign_for_tag(&app, &admin, &template_id, "paced", 120).await;
    app.post(
        &format!("/api/v1/campaigns/{id}/send"),
        Some(&admin.access_token),
        json!({}),
    )
    .await;
    wait_for_status(&app, &admin, &id, "sent").await;
    let mut times: Vec<_> = fake.received().iter().map(|m| m.at).collect();
    times.sort();
    assert_eq!(times.len(), 4);
    let gap = times[2].duration_since(times[0]);
    assert!(
        gap >= Duration::from_millis(900),
        "the second batch came {gap:?} after the first"
    );
}
on_both_databases!(sending_keeps_to_the_campaigns_rate);

async fn managers_send_campaigns_reps_may_not_and_other_organizations_see_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    contact(&app, &admin, "Ann", Some(&unique_email("ann")), &["t"]).await;
    let template_id = template(&app, &rep, "<p>Hi</p>").await;
    let input =
        json!({"name": "C", "template_id": template_id, "audience": {"kind": "filter", "filter": {"tag": "t"}}});
    assert_eq!(
        app.post("/api/v1/campaigns", Some(&rep.access_token), input.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let created = app.post("/api/v1/campaigns", Some(&manager.access_token), input).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().expect("id");
    assert_eq!(
        app.post(
            &format!("/api/v1/campaigns/{id}/send"),
            Some(&rep.access_token),
            json!({})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&format!("/api/v1/campaigns/{id}"), &rep.access_token)
            .await
            .status,
        StatusCode::OK
    );
    let stranger = app.signup("Initech", &unique_email("boss")).await;
    for path in [
        format!("/api/v1/campaigns/{id}"),
        format!("/api/v1/campaigns/{id}/report"),
    ] {
        assert_eq!(
            app.get(&path, &stranger.access_token).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.post(
            &format!("/api/v1/campaigns/{id}/send"),
            Some(&stranger.access_token),
            json!({})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let foreign_template = app
        .post(
            "/api/v1/campaigns",
            Some(&stranger.access_token),
            json!({"name": "C", "template_id": template_id, "audience": {"kind": "filter"}}),
        )
        .await;
    assert_eq!(foreign_template.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(foreign_template.field_codes()[0].0, "template_id");
}
on_both_databases!(managers_send_campaigns_reps_may_not_and_other_organizations_see_404);

async fn a_scheduled_campaign_starts_by_itself_when_due(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    contact(&app, &admin, "Ann", Some(&unique_email("ann")), &["later"]).await;
    let template_id = template(&app, &admin, "<p>Hi</p>").await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let created = app
        .post(
            "/api/v1/campaigns",
            Some(&admin.access_token),
            json!({"name": "Later", "template_id": template_id, "audience": {"kind": "filter", "filter": {"tag": "later"}}, "scheduled_at": at}),
        )
        .await;
    assert_eq!(created.body["status"], "scheduled", "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_owned();
    let done = wait_for_status(&app, &admin, &id, "sent").await;
    assert_eq!(done["stats"]["sent"], 1);
    // Without SendGrid the email is in the outbox, marked as a campaign's.
    assert_eq!(
        app.count_rows("outbox_messages", "WHERE category = 'campaign'").await,
        1
    );

    let past = app
        .post(
            "/api/v1/campaigns",
            Some(&admin.access_token),
            json!({"name": "Past", "template_id": template_id, "scheduled_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(
        past.field_codes(),
        vec![("scheduled_at".to_owned(), "in_past".to_owned())]
    );
}
on_both_databases!(a_scheduled_campaign_starts_by_itself_when_due);

async fn a_sent_campaign_email_is_on_the_contacts_timeline_with_what_it_did(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann = contact(&app, &admin, "Ann", Some(&unique_email("ann")), &["t"]).await;
    let template_id = template(&app, &admin, r#"<a href="https://example.com/">x</a>"#).await;
    let id = campaign_for_tag(&app, &admin, &template_id, "t", 600).await;
    let timeline = format!("/api/v1/contacts/{}/timeline", ann["id"].as_str().expect("id"));
    assert_eq!(
        app.get(&timeline, &admin.access_token).await.body["items"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    app.post(
        &format!("/api/v1/campaigns/{id}/send"),
        Some(&admin.access_token),
        json!({}),
    )
    .await;
    wait_for_status(&app, &admin, &id, "sent").await;
    let html = fake.received()[0].body["content"][1]["value"]
        .as_str()
        .expect("html")
        .to_owned();
    let start = html.find("http://kite.test/t/c/").expect("a tracked link");
    let click = html[start..]
        .split('"')
        .next()
        .expect("link")
        .replace("http://kite.test", "");
    app.client
        .get(format!("{}{click}", app.address))
        .send()
        .await
        .expect("click");

    let entries = app.get(&timeline, &admin.access_token).await;
    let entry = &entries.body["items"][0];
    assert_eq!(entry["kind"], "email", "{}", entries.body);
    assert_eq!(entry["title"], "Email sent: News for Ann");
    let body = entry["body"].as_str().expect("summary");
    assert!(
        body.contains("Campaign “Campaign for t”") && body.contains("clicked 1×"),
        "{body}"
    );
}
on_both_databases!(a_sent_campaign_email_is_on_the_contacts_timeline_with_what_it_did);
