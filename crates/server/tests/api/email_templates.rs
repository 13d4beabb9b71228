use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn template(name: &str) -> Value {
    json!({
        "name": name,
        "subject": "Hi {{ contact.first_name | default(\"there\") }}",
        "body_html": "<p>Hello {{ contact.first_name | default(\"there\") }} from {{ company.name }}</p>{% if contact.title %}<p>{{ contact.title }}</p>{% endif %}",
    })
}

async fn a_template_with_known_variables_is_saved_and_listed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let created = app
        .post(
            "/api/v1/email-templates",
            Some(&admin.access_token),
            template("Welcome"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let listed = app.get("/api/v1/email-templates", &admin.access_token).await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.body["items"][0]["name"], "Welcome");
    assert_eq!(
        app.count_rows("audit_log", "WHERE action = 'email_template.created'")
            .await,
        1
    );
}
on_both_databases!(a_template_with_known_variables_is_saved_and_listed);

async fn an_unknown_variable_or_a_syntax_error_is_a_422_with_line_and_column(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let unknown = app
        .post(
            "/api/v1/email-templates",
            Some(&admin.access_token),
            json!({"name": "Bad", "subject": "Hi", "body_html": "<p>ok</p>\n<p>{{ contact.shoe_size }}</p>"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unknown.body);
    let error = &unknown.body["errors"][0];
    assert_eq!(error["field"], "body_html");
    assert_eq!(error["code"], "unknown_variable");
    assert_eq!((error["line"].as_u64(), error["column"].as_u64()), (Some(2), Some(7)));

    let syntax = app
        .post(
            "/api/v1/email-templates",
            Some(&admin.access_token),
            json!({"name": "Bad", "subject": "Hi {% if %}", "body_html": "<p>ok</p>"}),
        )
        .await;
    assert_eq!(syntax.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        syntax.field_codes(),
        vec![("subject".to_owned(), "template_syntax".to_owned())]
    );
    assert_eq!(syntax.body["errors"][0]["line"], 1);
    assert_eq!(app.count_rows("email_templates", "").await, 0);
}
on_both_databases!(an_unknown_variable_or_a_syntax_error_is_a_422_with_line_and_column);

async fn oversized_templates_includes_and_render_loops_are_refused(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.max_json_bytes = 2 * 1024 * 1024).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let huge = "x".repeat(300 * 1024);
    for (body, code) in [
        (huge.as_str(), "too_large"),
        ("{% include \"other.html\" %}", "include_not_allowed"),
        (
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
            "template_too_costly",
        ),
    ] {
        let refused = app
            .post(
                "/api/v1/email-templates",
                Some(&admin.access_token),
                json!({"name": "Bad", "subject": "Hi", "body_html": body}),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{code}: {}",
            refused.body
        );
        let codes: Vec<String> = refused.field_codes().into_iter().map(|(_, c)| c).collect();
        assert!(
            codes.contains(&code.to_owned())
                || (code == "template_too_costly" && codes.contains(&"output_too_large".to_owned())),
            "{code}: {codes:?}"
        );
    }
    assert_eq!(app.count_rows("email_templates", "").await, 0);
}
on_both_databases!(oversized_templates_includes_and_render_loops_are_refused);

async fn the_preview_renders_for_a_chosen_contact_sanitised_with_a_text_part(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let company = app
        .post(
            "/api/v1/companies",
            Some(&admin.access_token),
            json!({"name": "Globex"}),
        )
        .await;
    let contact = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Grace", "last_name": "Hopper", "email": unique_email("grace"), "company_id": company.body["id"]}),
        )
        .await;
    assert_eq!(contact.status, StatusCode::CREATED, "{}", contact.body);
    let preview = app
        .post(
            "/api/v1/email-templates/preview",
            Some(&admin.access_token),
            json!({
                "subject": "Hi {{ contact.first_name }}",
                "body_html": "<p onclick=\"x()\">Dear {{ contact.first_name }} at {{ company.name }}</p><script>alert(1)</script><a href=\"javascript:alert(1)\">bad</a>",
                "contact_id": contact.body["id"],
            }),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert_eq!(preview.body["subject"], "Hi Grace");
    let html = preview.body["html"].as_str().expect("html");
    assert!(html.contains("Dear Grace at Globex"), "{html}");
    for bad in ["<script", "onclick", "javascript:"] {
        assert!(!html.contains(bad), "{bad} in {html}");
    }
    assert!(
        preview.body["text"]
            .as_str()
            .expect("text")
            .contains("Dear Grace at Globex")
    );

    let sample = app
        .post(
            "/api/v1/email-templates/preview",
            Some(&admin.access_token),
            json!({"subject": "Hi {{ contact.first_name | default(\"there\") }}", "body_html": "<p>x</p>"}),
        )
        .await;
    assert_eq!(sample.body["subject"], "Hi Ada");
}
on_both_databases!(the_preview_renders_for_a_chosen_contact_sanitised_with_a_text_part);

async fn a_test_send_goes_to_the_author_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("admin");
    let admin = app.signup("Acme", &email).await;
    let sent = app
        .post(
            "/api/v1/email-templates/test",
            Some(&admin.access_token),
            json!({"subject": "Hi {{ contact.first_name }}", "body_html": "<p>Hello</p>"}),
        )
        .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    assert_eq!(sent.body["to"], email);
    app.settle_jobs().await;
    let outbox = app
        .get("/api/v1/outbox?category=template_test", &admin.access_token)
        .await;
    assert_eq!(outbox.body["total"], 1);
    assert_eq!(outbox.body["items"][0]["subject"], "[Test] Hi Ada");
    assert_eq!(outbox.body["items"][0]["to"][0], email);
}
on_both_databases!(a_test_send_goes_to_the_author_only);

async fn reps_write_their_own_templates_viewers_none_and_other_organizations_see_404(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let other_rep = app.add_user(&admin, &unique_email("rep2"), "sales_rep").await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    let mine = app
        .post("/api/v1/email-templates", Some(&rep.access_token), template("Rep's"))
        .await;
    assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.body);
    let id = mine.body["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/email-templates/{id}");
    assert_eq!(
        app.put(&path, &other_rep.access_token, template("Taken")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.put(&path, &admin.access_token, template("Fixed")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.post("/api/v1/email-templates", Some(&viewer.access_token), template("No"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.get(&path, &viewer.access_token).await.status, StatusCode::OK);

    let stranger = app.signup("Initech", &unique_email("boss")).await;
    assert_eq!(
        app.get(&path, &stranger.access_token).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&path, &stranger.access_token).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.delete(&path, &rep.access_token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&path, &rep.access_token).await.status, StatusCode::NOT_FOUND);
}
on_both_databases!(reps_write_their_own_templates_viewers_none_and_other_organizations_see_404);
