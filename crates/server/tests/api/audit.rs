use crate::helpers::{Backend, PASSWORD, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn auth_events_and_mutations_are_audited_with_who_what_and_where(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("audited");
    let admin = app.signup("Acme", &email).await;
    app.login(&email, "a wrong password").await;
    app.login(&email, PASSWORD).await;
    let user = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    app.patch(
        &format!("/api/v1/users/{}", user.user_id),
        &admin.access_token,
        json!({"role": "manager"}),
    )
    .await;

    let log = app.get("/api/v1/audit-log?per_page=100", &admin.access_token).await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    let items = log.body["items"].as_array().expect("items");
    let actions: Vec<&str> = items.iter().filter_map(|e| e["action"].as_str()).collect();
    for expected in [
        "organization.created",
        "auth.signup",
        "auth.login_failed",
        "auth.login",
        "user.invited",
        "auth.invitation_accepted",
        "user.updated",
    ] {
        assert!(actions.contains(&expected), "{expected} missing from {actions:?}");
    }
    assert_eq!(actions[0], "user.updated", "newest first");
    let update = &items[0];
    assert_eq!(update["before"]["role"], "sales_rep");
    assert_eq!(update["after"]["role"], "manager");
    assert_eq!(update["actor_user_id"], admin.user_id);
    assert_eq!(update["entity_id"], user.user_id);
    assert_eq!(update["ip"], "127.0.0.1");

    let auth_only = app.get("/api/v1/audit-log?action=auth.", &admin.access_token).await;
    let auth_items = auth_only.body["items"].as_array().expect("items");
    assert!(!auth_items.is_empty());
    assert!(
        auth_items
            .iter()
            .all(|e| e["action"].as_str().unwrap_or_default().starts_with("auth."))
    );

    let by_user = app
        .get(
            &format!("/api/v1/audit-log?actor_user_id={}", user.user_id),
            &admin.access_token,
        )
        .await;
    assert!(
        by_user.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .all(|e| e["actor_user_id"] == user.user_id)
    );

    let first = app.get("/api/v1/audit-log?per_page=2", &admin.access_token).await;
    let cursor = first.body["next_cursor"].as_str().expect("a second page");
    let second = app
        .get(
            &format!("/api/v1/audit-log?per_page=2&cursor={cursor}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(second.body["items"].as_array().expect("items")[..], items[2..4]);
    assert_eq!(second.body["total"], log.body["total"]);

    let future = app
        .get("/api/v1/audit-log?from=2999-01-01T00:00:00Z", &admin.access_token)
        .await;
    assert_eq!(future.body["total"], 0);
}
on_both_databases!(auth_events_and_mutations_are_audited_with_who_what_and_where);

async fn an_organization_sees_only_its_own_audit_trail(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let log = app.get("/api/v1/audit-log?per_page=200", &ours.access_token).await;
    let items = log.body["items"].as_array().expect("items");
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| e["organization_id"] == ours.organization_id));
    assert!(items.iter().all(|e| e["actor_user_id"] != theirs.user_id));
}
on_both_databases!(an_organization_sees_only_its_own_audit_trail);
