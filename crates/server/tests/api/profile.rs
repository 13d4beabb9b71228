use crate::helpers::{Backend, PASSWORD, TestApp, session, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn users_rename_themselves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("me")).await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    let renamed = app
        .patch("/api/v1/me", &viewer.access_token, json!({"name": "Vera"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.body["user"]["name"], "Vera");
    let blank = app
        .patch("/api/v1/me", &viewer.access_token, json!({"name": "  "}))
        .await;
    assert_eq!(blank.field_codes(), vec![("name".into(), "required".into())]);
}
on_both_databases!(users_rename_themselves);

async fn changing_the_password_needs_the_current_one_and_renews_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("changer");
    let first = app.signup("Acme", &email).await;
    let wrong = app
        .post(
            "/api/v1/me/password",
            Some(&first.access_token),
            json!({"current_password": "not my password", "new_password": "a new passphrase"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        wrong.field_codes(),
        vec![("current_password".into(), "wrong_password".into())]
    );

    let changed = app
        .post(
            "/api/v1/me/password",
            Some(&first.access_token),
            json!({"current_password": PASSWORD, "new_password": "a new passphrase"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let renewed = session(&changed.body);
    let old = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first.refresh_token}),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "older sessions end");
    let new = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": renewed.refresh_token}),
        )
        .await;
    assert_eq!(new.status, StatusCode::OK);
    assert_eq!(app.login(&email, "a new passphrase").await.status, StatusCode::OK);
}
on_both_databases!(changing_the_password_needs_the_current_one_and_renews_the_session);
