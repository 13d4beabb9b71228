use crate::campaigns::{contact, with_sendgrid};
use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use crate::sequences::{enroll, only_enrollment, two_emails};
use reqwest::StatusCode;
use reqwest::multipart::Form;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

async fn inbound_url(app: &TestApp, admin: &Session) -> String {
    let address = app.get("/api/v1/inbound/address", &admin.access_token).await;
    assert_eq!(address.status, StatusCode::OK, "{}", address.body);
    let url = address.body["url"].as_str().expect("url");
    let path = url.strip_prefix("http://kite.test").expect("under the public address");
    format!("{}{path}", app.address)
}

/// Posts a form as SendGrid Inbound Parse does.
async fn post_inbound(app: &TestApp, url: &str, form: Form) -> (StatusCode, Value) {
    let response = app.client.post(url).multipart(form).send().await.expect("post");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn reply(from: &str, headers: &str) -> Form {
    Form::new()
        .text("from", from.to_owned())
        .text("to", "sales@acme.test")
        .text("subject", "Re: News for Ann")
        .text("text", "Sounds good, call me.")
        .text("html", "<p onclick=\"x()\">Sounds good</p><script>alert(1)</script>")
        .text("headers", headers.to_owned())
}

async fn a_reply_threads_to_the_email_it_answers_and_takes_the_contact_out_of_sequences(backend: Backend) {
    let (app, fake) = with_sendgrid(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ann_email = unique_email("ann");
    let ann = contact(&app, &admin, "Ann", Some(&ann_email), &[]).await;
    let ann_id = ann["id"].as_str().expect("id");
    let seq = two_emails(&app, &admin).await;
    let seq_id = seq["id"].as_str().expect("id");
    enroll(&app, &admin, seq_id, &[ann_id]).await;
    app.settle_jobs().await;
    let sent = fake.received();
    let message_id = sent[0].body["headers"]["Message-ID"]
        .as_str()
        .expect("a Message-ID")
        .to_owned();

    let url = inbound_url(&app, &admin).await;
    // Sent from another address of Ann's: only the thread can tell who it is.
    let headers = format!(
        "Message-ID: <reply-1@mail.example>\r\nIn-Reply-To: {message_id}\r\nReferences: {message_id}\r\nSubject: Re: News"
    );
    let (status, outcome) = post_inbound(&app, &url, reply("Ann <ann.private@mail.example>", &headers)).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["contact_id"], ann_id);
    assert!(outcome["replied_to"].is_string(), "{outcome}");
    let (_, again) = post_inbound(&app, &url, reply("Ann <ann.private@mail.example>", &headers)).await;
    assert_eq!(again["duplicate"], true, "the same message posted twice is kept once");
    assert_eq!(app.count_rows("emails", "WHERE direction = 'in'").await, 1);

    let timeline = app
        .get(&format!("/api/v1/contacts/{ann_id}/timeline"), &admin.access_token)
        .await;
    assert!(
        timeline.body["items"]
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["title"] == "Email received: Re: News for Ann"),
        "{}",
        timeline.body
    );
    let received = kite_entity::email::Entity::find()
        .filter(kite_entity::email::Column::Direction.eq("in"))
        .one(&app.state.kite.db)
        .await
        .expect("query")
        .expect("the reply");
    let html = received.html_body.unwrap_or_default();
    assert!(
        !html.contains("script") && !html.contains("onclick"),
        "kept sanitised: {html}"
    );

    let left = only_enrollment(&app, &admin, seq_id).await;
    assert_eq!(
        (left["state"].as_str(), left["exit_reason"].as_str()),
        (Some("exited"), Some("replied"))
    );
    let stats = app
        .get(&format!("/api/v1/sequences/{seq_id}"), &admin.access_token)
        .await;
    assert_eq!(stats.body["steps"][0]["stats"]["replied"], 1, "{}", stats.body);
}
on_both_databases!(a_reply_threads_to_the_email_it_answers_and_takes_the_contact_out_of_sequences);

async fn a_stranger_waits_in_the_unmatched_list_until_an_admin_files_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let bo = contact(&app, &admin, "Bo", Some(&unique_email("bo")), &[]).await;
    let url = inbound_url(&app, &admin).await;
    let (status, outcome) = post_inbound(
        &app,
        &url,
        reply(
            "Who Knows <stranger@elsewhere.example>",
            "Message-ID: <s-1@elsewhere.example>",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert!(outcome["contact_id"].is_null());
    let unmatched = app.get("/api/v1/inbound/unmatched", &admin.access_token).await;
    assert_eq!(
        unmatched.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        unmatched.body
    );
    let email = &unmatched.body["items"][0];
    assert_eq!(email["from_email"], "stranger@elsewhere.example");

    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let refused = app
        .post(
            &format!("/api/v1/inbound/emails/{}/assign", email["id"].as_str().expect("id")),
            Some(&rep.access_token),
            json!({"contact_id": bo["id"]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let filed = app
        .post(
            &format!("/api/v1/inbound/emails/{}/assign", email["id"].as_str().expect("id")),
            Some(&admin.access_token),
            json!({"contact_id": bo["id"]}),
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert_eq!(filed.body["contact_name"], "Bo Tester");
    let unmatched = app.get("/api/v1/inbound/unmatched", &admin.access_token).await;
    assert_eq!(unmatched.body["items"].as_array().map(Vec::len), Some(0));
    let timeline = app
        .get(
            &format!("/api/v1/contacts/{}/timeline", bo["id"].as_str().expect("id")),
            &admin.access_token,
        )
        .await;
    assert!(
        timeline.body["items"]
            .as_array()
            .expect("entries")
            .iter()
            .any(|e| e["kind"] == "email")
    );
}
on_both_databases!(a_stranger_waits_in_the_unmatched_list_until_an_admin_files_it);

async fn a_malformed_post_or_a_wrong_secret_is_refused_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let url = inbound_url(&app, &admin).await;
    let cases = [
        (
            Form::new().text("to", "x@acme.test").text("headers", "Subject: x"),
            "from",
        ),
        (reply("not an address", "Subject: x"), "from"),
        (Form::new().text("from", "ann@example.com"), "headers"),
    ];
    for (form, field) in cases {
        let (status, body) = post_inbound(&app, &url, form).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.starts_with(field)), "{body}");
    }
    let not_multipart = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("post");
    assert_eq!(not_multipart.status(), StatusCode::BAD_REQUEST);
    let (status, _) = post_inbound(
        &app,
        &format!("{}/api/v1/inbound/email/{}", app.address, "0".repeat(48)),
        reply("ann@example.com", "Subject: x"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let rotated = app
        .post("/api/v1/inbound/address/rotate", Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(rotated.status, StatusCode::OK);
    let (status, _) = post_inbound(&app, &url, reply("ann@example.com", "Subject: x")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the old address stops working");
    assert_eq!(app.count_rows("emails", "WHERE direction = 'in'").await, 0);
}
on_both_databases!(a_malformed_post_or_a_wrong_secret_is_refused_and_writes_nothing);
