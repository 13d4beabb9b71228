use kite_email::fake_sendgrid::{FAKE_API_KEY, FakeSendGrid};
use kite_email::{Attachment, EmailError, EmailMessage, EmailSender, SendGridConfig, SendGridSender};

fn sender(base_url: &str, api_key: &str) -> SendGridSender {
    SendGridSender::new(SendGridConfig {
        api_key: api_key.into(),
        base_url: base_url.into(),
        from_email: "crm@acme.test".into(),
        from_name: "Acme CRM".into(),
    })
    .expect("client")
}

fn message() -> EmailMessage {
    EmailMessage {
        organization_id: None,
        to: vec!["ann@example.com".into(), "bo@example.com".into()],
        subject: "Weekly export".into(),
        text_body: "Attached.".into(),
        html_body: Some("<p>Attached.</p>".into()),
        category: "scheduled_export".into(),
        attachments: vec![Attachment {
            filename: "deals.csv".into(),
            content_type: "text/csv".into(),
            content: b"id,title\n1,Big deal\n".to_vec(),
        }],
        ..EmailMessage::default()
    }
}

#[actix_web::test]
async fn sendgrid_receives_the_message_with_bearer_auth_and_a_v3_body() {
    let fake = FakeSendGrid::start().expect("fake server");
    sender(&fake.base_url, FAKE_API_KEY)
        .send(&message())
        .await
        .expect("sent");

    let received = fake.received();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(
        mail.authorization.as_deref(),
        Some(format!("Bearer {FAKE_API_KEY}").as_str())
    );
    assert_eq!(mail.content_type.as_deref(), Some("application/json"));
    let body = &mail.body;
    assert_eq!(body["personalizations"][0]["to"][1]["email"], "bo@example.com");
    assert_eq!(body["from"]["email"], "crm@acme.test");
    assert_eq!(body["subject"], "Weekly export");
    assert_eq!(body["content"][0]["type"], "text/plain");
    assert_eq!(body["content"][1]["value"], "<p>Attached.</p>");
    assert_eq!(body["attachments"][0]["filename"], "deals.csv");
    assert_eq!(body["attachments"][0]["content"], "aWQsdGl0bGUKMSxCaWcgZGVhbAo=");
    assert_eq!(body["categories"][0], "scheduled_export");
}

#[actix_web::test]
async fn a_refused_key_is_an_error_with_sendgrids_answer() {
    let fake = FakeSendGrid::start().expect("fake server");
    let error = sender(&fake.base_url, "SG.wrong")
        .send(&message())
        .await
        .expect_err("refused");
    match error {
        EmailError::Rejected { status, body } => {
            assert_eq!(status, 401);
            assert!(body.contains("authorization grant"), "{body}");
        }
        other => panic!("unexpected error {other}"),
    }
}

#[actix_web::test]
async fn an_unreachable_sendgrid_is_a_transport_error() {
    let error = sender("http://127.0.0.1:9", FAKE_API_KEY)
        .send(&message())
        .await
        .expect_err("unreachable");
    assert!(matches!(error, EmailError::Transport(_)), "{error}");
}
