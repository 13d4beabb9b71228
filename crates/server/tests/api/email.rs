use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use kite_email::SendGridConfig;
use kite_email::fake_sendgrid::{FAKE_API_KEY, FakeSendGrid};
use reqwest::StatusCode;
use serde_json::json;

async fn with_a_sendgrid_key_invitations_go_to_sendgrid_not_the_outbox(backend: Backend) {
    let fake = FakeSendGrid::start().expect("fake SendGrid");
    let base_url = fake.base_url.clone();
    let app = TestApp::spawn_with(backend, move |config| {
        config.sendgrid = Some(SendGridConfig {
            api_key: FAKE_API_KEY.into(),
            base_url,
            from_email: "crm@acme.test".into(),
            from_name: "Acme CRM".into(),
        });
    })
    .await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let invitee = unique_email("invitee");
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin.access_token),
            json!({"email": invitee, "name": "Ivy", "role": "viewer"}),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED);
    app.settle_jobs().await;

    let received = fake.received();
    assert_eq!(received.len(), 1);
    let body = &received[0].body;
    assert_eq!(body["personalizations"][0]["to"][0]["email"], invitee);
    assert_eq!(body["subject"], "Ada Admin invited you to Acme on Kite");
    let text = body["content"][0]["value"].as_str().expect("text");
    assert!(text.contains("http://kite.test/accept-invite?token="), "{text}");
    assert_eq!(app.count_rows("outbox_messages", "").await, 0);
}
on_both_databases!(with_a_sendgrid_key_invitations_go_to_sendgrid_not_the_outbox);
