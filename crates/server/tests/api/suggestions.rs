use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn late_deal(app: &TestApp, session: &Session) -> String {
    let created = app
        .post(
            "/api/v1/deals",
            Some(&session.access_token),
            json!({"title": "Late deal", "expected_close": "2026-01-15"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().unwrap_or_default().to_owned()
}

async fn suggestions(app: &TestApp, session: &Session, query: &str) -> Vec<Value> {
    let listed = app
        .get(&format!("/api/v1/suggestions{query}"), &session.access_token)
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    listed.body["items"].as_array().cloned().unwrap_or_default()
}

fn kinds(items: &[Value]) -> Vec<&str> {
    items.iter().filter_map(|s| s["kind"].as_str()).collect()
}

fn key_of<'a>(items: &'a [Value], kind: &str) -> &'a str {
    items
        .iter()
        .find(|s| s["kind"] == kind)
        .and_then(|s| s["key"].as_str())
        .unwrap_or_else(|| panic!("no {kind} in {items:?}"))
}

async fn a_suggested_task_is_created_in_one_click_and_the_suggestion_goes_away(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let deal = late_deal(&app, &admin).await;

    let home = suggestions(&app, &admin, "").await;
    assert_eq!(
        kinds(&home),
        ["close_date_passed"],
        "one per record on the home list: {home:?}"
    );
    let on_deal = suggestions(&app, &admin, &format!("?deal_id={deal}")).await;
    assert_eq!(kinds(&on_deal), ["close_date_passed", "no_next_step"]);
    assert_eq!(on_deal[1]["task"]["subject"], "Next step for Late deal");

    let key = key_of(&on_deal, "no_next_step");
    let task = app
        .post(
            "/api/v1/suggestions/task",
            Some(&admin.access_token),
            json!({"key": key}),
        )
        .await;
    assert_eq!(task.status, StatusCode::CREATED, "{}", task.body);
    assert_eq!(task.body["deal_id"], deal.as_str());
    assert_eq!(task.body["kind"], "task");
    assert_eq!(task.body["owner_id"], admin.user_id.as_str());
    assert!(task.body["due_at"].is_string() && task.body["done_at"].is_null());

    let after = suggestions(&app, &admin, &format!("?deal_id={deal}")).await;
    assert_eq!(kinds(&after), ["close_date_passed"]);
    let again = app
        .post(
            "/api/v1/suggestions/task",
            Some(&admin.access_token),
            json!({"key": key}),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
    assert_eq!(
        app.count_rows("activities", "WHERE subject = 'Next step for Late deal'")
            .await,
        1
    );
}
on_both_databases!(a_suggested_task_is_created_in_one_click_and_the_suggestion_goes_away);

async fn dismissed_and_snoozed_suggestions_stay_hidden_from_that_user_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let deal = late_deal(&app, &admin).await;
    let on_deal = suggestions(&app, &admin, &format!("?deal_id={deal}")).await;

    let dismissed = app
        .post(
            "/api/v1/suggestions/dismiss",
            Some(&admin.access_token),
            json!({"key": key_of(&on_deal, "close_date_passed")}),
        )
        .await;
    assert_eq!(dismissed.status, StatusCode::NO_CONTENT, "{}", dismissed.body);
    let snoozed = app
        .post(
            "/api/v1/suggestions/snooze",
            Some(&admin.access_token),
            json!({"key": key_of(&on_deal, "no_next_step"), "days": 3}),
        )
        .await;
    assert_eq!(snoozed.status, StatusCode::NO_CONTENT, "{}", snoozed.body);

    assert!(suggestions(&app, &admin, "").await.is_empty());
    assert!(suggestions(&app, &admin, &format!("?deal_id={deal}")).await.is_empty());
    let theirs = suggestions(&app, &manager, &format!("?deal_id={deal}")).await;
    assert_eq!(kinds(&theirs), ["close_date_passed", "no_next_step"]);
    assert_eq!(
        app.count_rows("suggestion_decisions", "WHERE decision = 'snoozed'")
            .await,
        1
    );
}
on_both_databases!(dismissed_and_snoozed_suggestions_stay_hidden_from_that_user_only);

async fn bad_suggestion_requests_name_the_field_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let deal = late_deal(&app, &admin).await;
    let contact = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Ada"}),
        )
        .await;
    let contact = contact.body["id"].as_str().unwrap_or_default().to_owned();
    let key = key_of(
        &suggestions(&app, &admin, &format!("?deal_id={deal}")).await,
        "no_next_step",
    )
    .to_owned();
    for (path, body, field) in [
        ("/api/v1/suggestions/dismiss", json!({"key": "nonsense"}), "key"),
        ("/api/v1/suggestions/dismiss", json!({"key": key, "days": 3}), "days"),
        ("/api/v1/suggestions/snooze", json!({"key": key}), "days"),
        ("/api/v1/suggestions/snooze", json!({"key": key, "days": 0}), "days"),
        ("/api/v1/suggestions/snooze", json!({"key": key, "days": 91}), "days"),
        (
            "/api/v1/suggestions/snooze",
            json!({"key": key, "days": "soon"}),
            "days",
        ),
        ("/api/v1/suggestions/task", json!({}), "key"),
    ] {
        let refused = app.post(path, Some(&admin.access_token), body.clone()).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path} {body}: {}",
            refused.body
        );
        assert_eq!(refused.field_codes()[0].0, field, "{path} {body}: {}", refused.body);
    }
    for (query, field) in [
        (format!("?deal_id={deal}&contact_id={contact}"), "contact_id"),
        ("?limit=0".to_owned(), "limit"),
        ("?limit=51".to_owned(), "limit"),
        ("?deal_id=not-a-uuid".to_owned(), "deal_id"),
    ] {
        let refused = app
            .get(&format!("/api/v1/suggestions{query}"), &admin.access_token)
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            refused.body
        );
        assert_eq!(refused.field_codes()[0].0, field, "{query}: {}", refused.body);
    }
    assert_eq!(app.count_rows("suggestion_decisions", "").await, 0);
}
on_both_databases!(bad_suggestion_requests_name_the_field_and_write_nothing);

async fn another_organizations_records_and_suggestions_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let other = app.signup("Other", &unique_email("other")).await;
    let deal = late_deal(&app, &admin).await;
    let key = key_of(
        &suggestions(&app, &admin, &format!("?deal_id={deal}")).await,
        "no_next_step",
    )
    .to_owned();

    let hidden = app
        .get(&format!("/api/v1/suggestions?deal_id={deal}"), &other.access_token)
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
    let task = app
        .post(
            "/api/v1/suggestions/task",
            Some(&other.access_token),
            json!({"key": key}),
        )
        .await;
    assert_eq!(task.status, StatusCode::NOT_FOUND, "{}", task.body);
    assert!(suggestions(&app, &other, "").await.is_empty());
    assert_eq!(app.count_rows("activities", "").await, 0);
}
on_both_databases!(another_organizations_records_and_suggestions_are_not_found);

async fn a_viewer_sees_suggestions_but_cannot_create_their_tasks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    let deal = late_deal(&app, &admin).await;
    let on_deal = suggestions(&app, &viewer, &format!("?deal_id={deal}")).await;
    let task = app
        .post(
            "/api/v1/suggestions/task",
            Some(&viewer.access_token),
            json!({"key": key_of(&on_deal, "no_next_step")}),
        )
        .await;
    assert_eq!(task.status, StatusCode::FORBIDDEN, "{}", task.body);
    assert_eq!(app.count_rows("suggestion_decisions", "").await, 0);
}
on_both_databases!(a_viewer_sees_suggestions_but_cannot_create_their_tasks);
