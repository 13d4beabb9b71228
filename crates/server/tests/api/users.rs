use crate::helpers::{Backend, PASSWORD, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn an_invited_user_sets_a_password_from_the_emailed_link_and_signs_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let email = unique_email("invitee");
    let invited = app
        .post(
            "/api/v1/users",
            Some(&admin.access_token),
            json!({"email": email, "name": "Ivy", "role": "sales_rep"}),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    assert_eq!(invited.body["user"]["has_password"], false);

    app.settle_jobs().await;
    let outbox = app
        .get(&format!("/api/v1/outbox?to={email}"), &admin.access_token)
        .await;
    let message = &outbox.body["items"][0];
    assert_eq!(message["category"], "invitation");
    assert!(
        message["text_body"]
            .as_str()
            .expect("body")
            .contains("http://kite.test/accept-invite?token=")
    );
    assert_eq!(
        app.login(&email, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "no password yet"
    );

    let token = app.emailed_token(&admin, &email, "invitation").await;
    let accepted = app
        .post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(accepted.body["user"]["role"], "sales_rep");
    assert_eq!(app.login(&email, PASSWORD).await.status, StatusCode::OK);

    let again = app
        .post(
            "/api/v1/auth/accept-invitation",
            None,
            json!({"token": token, "password": "another good password"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "the link works once");
    assert_eq!(again.code(), "invalid_or_expired_link");
}
on_both_databases!(an_invited_user_sets_a_password_from_the_emailed_link_and_signs_in);

async fn only_admins_manage_users(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for role in ["manager", "sales_rep", "viewer"] {
        let user = app.add_user(&admin, &unique_email(role), role).await;
        let invite = app
            .post(
                "/api/v1/users",
                Some(&user.access_token),
                json!({"email": unique_email("x"), "name": "X", "role": "admin"}),
            )
            .await;
        assert_eq!(invite.status, StatusCode::FORBIDDEN, "{role} invites");
        assert_eq!(invite.code(), "forbidden");
        let promote = app
            .patch(
                &format!("/api/v1/users/{}", user.user_id),
                &user.access_token,
                json!({"role": "admin"}),
            )
            .await;
        assert_eq!(promote.status, StatusCode::FORBIDDEN, "{role} promotes itself");
        let audit = app.get("/api/v1/audit-log", &user.access_token).await;
        assert_eq!(audit.status, StatusCode::FORBIDDEN, "{role} reads the audit log");
        let outbox = app.get("/api/v1/outbox", &user.access_token).await;
        assert_eq!(outbox.status, StatusCode::FORBIDDEN, "{role} reads the outbox");
        let list = app.get("/api/v1/users", &user.access_token).await;
        assert_eq!(list.status, StatusCode::OK, "{role} sees the team");
    }
}
on_both_databases!(only_admins_manage_users);

async fn another_organizations_user_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let path = format!("/api/v1/users/{}", theirs.user_id);
    let get = app.get(&path, &ours.access_token).await;
    assert_eq!(get.status, StatusCode::NOT_FOUND);
    let patch = app.patch(&path, &ours.access_token, json!({"name": "Hijacked"})).await;
    assert_eq!(patch.status, StatusCode::NOT_FOUND);
    assert_eq!(patch.code(), "not_found");
    let list = app.get("/api/v1/users", &ours.access_token).await;
    assert_eq!(list.body["total"], 1);
    let me = app.get("/api/v1/me", &theirs.access_token).await;
    assert_eq!(me.body["user"]["name"], "Ada Admin", "their user is untouched");
}
on_both_databases!(another_organizations_user_is_not_found);

async fn deactivating_a_user_ends_their_sessions_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let email = unique_email("leaver");
    let leaver = app.add_user(&admin, &email, "sales_rep").await;
    let response = app
        .patch(
            &format!("/api/v1/users/{}", leaver.user_id),
            &admin.access_token,
            json!({"active": false}),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.body["active"], false);

    let me = app.get("/api/v1/me", &leaver.access_token).await;
    assert_eq!(me.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me.code(), "account_inactive");
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": leaver.refresh_token}),
        )
        .await;
    assert_eq!(refresh.status, StatusCode::UNAUTHORIZED);
    let login = app.login(&email, PASSWORD).await;
    assert_eq!(login.code(), "account_inactive");
}
on_both_databases!(deactivating_a_user_ends_their_sessions_at_once);

async fn a_role_change_applies_to_the_next_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let user = app.add_user(&admin, &unique_email("rising"), "manager").await;
    assert_eq!(
        app.get("/api/v1/audit-log", &user.access_token).await.status,
        StatusCode::FORBIDDEN
    );
    app.patch(
        &format!("/api/v1/users/{}", user.user_id),
        &admin.access_token,
        json!({"role": "admin"}),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/audit-log", &user.access_token).await.status,
        StatusCode::OK
    );
}
on_both_databases!(a_role_change_applies_to_the_next_request);

async fn the_last_admin_cannot_step_down_and_nothing_is_written(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("only")).await;
    let audit_rows_before = app.count_rows("audit_log", "").await;
    let response = app
        .patch(
            &format!("/api/v1/users/{}", admin.user_id),
            &admin.access_token,
            json!({"role": "viewer", "name": "Renamed"}),
        )
        .await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    assert_eq!(response.code(), "last_admin");
    // The update and its audit row were written, then rolled back together.
    assert_eq!(app.count_rows("audit_log", "").await, audit_rows_before);
    let me = app.get("/api/v1/me", &admin.access_token).await;
    assert_eq!(me.body["user"]["role"], "admin");
    assert_eq!(me.body["user"]["name"], "Ada Admin");
}
on_both_databases!(the_last_admin_cannot_step_down_and_nothing_is_written);

async fn inviting_an_existing_email_is_a_conflict(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("exists");
    let admin = app.signup("Acme", &email).await;
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin.access_token),
            json!({"email": email, "name": "Again", "role": "viewer"}),
        )
        .await;
    assert_eq!(response.status, StatusCode::CONFLICT);
    assert_eq!(response.code(), "email_taken");
    let bad_role = app
        .post(
            "/api/v1/users",
            Some(&admin.access_token),
            json!({"email": unique_email("r"), "name": "R", "role": "owner"}),
        )
        .await;
    assert_eq!(bad_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count_rows("users", "").await, 1);
}
on_both_databases!(inviting_an_existing_email_is_a_conflict);

async fn users_are_filtered_and_paginated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for name in ["Zed", "Yan", "Xia"] {
        app.post(
            "/api/v1/users",
            Some(&admin.access_token),
            json!({"email": unique_email(name), "name": name, "role": "viewer"}),
        )
        .await;
    }
    let first = app
        .get("/api/v1/users?role=viewer&per_page=2", &admin.access_token)
        .await;
    assert_eq!(first.body["items"][0]["name"], "Xia");
    let cursor = first.body["next_cursor"].as_str().expect("a second page");
    let page = app
        .get(
            &format!("/api/v1/users?role=viewer&per_page=2&cursor={cursor}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(page.body["total"], 3);
    assert_eq!(page.body["items"].as_array().expect("items").len(), 1);
    assert_eq!(page.body["items"][0]["name"], "Zed");
    assert_eq!(page.body["next_cursor"], serde_json::Value::Null);
    let search = app.get("/api/v1/users?q=ya", &admin.access_token).await;
    assert_eq!(search.body["total"], 1);
    let bad = app
        .call(Method::GET, "/api/v1/users?role=owner", Some(&admin.access_token), None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.field_codes().into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["role"], "a role that does not exist is named: {}", bad.body);
}
on_both_databases!(users_are_filtered_and_paginated);
