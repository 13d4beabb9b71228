use crate::helpers::{Backend, PASSWORD, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn password_reset_is_emailed_single_use_and_ends_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("forgetful");
    let admin = app.signup("Acme", &email).await;
    let requested = app
        .post("/api/v1/auth/password-reset/request", None, json!({"email": email}))
        .await;
    assert_eq!(requested.status, StatusCode::ACCEPTED);
    let token = app.emailed_token(&admin, &email, "password_reset").await;

    let new_password = "a brand new passphrase";
    let confirmed = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": new_password}),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::NO_CONTENT, "{}", confirmed.body);
    assert_eq!(app.login(&email, PASSWORD).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.login(&email, new_password).await.status, StatusCode::OK);
    let old_session = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": admin.refresh_token}),
        )
        .await;
    assert_eq!(
        old_session.status,
        StatusCode::UNAUTHORIZED,
        "sessions from before the reset end"
    );

    let reused = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "yet another passphrase"}),
        )
        .await;
    assert_eq!(reused.status, StatusCode::BAD_REQUEST);
    assert_eq!(reused.code(), "invalid_or_expired_link");
}
on_both_databases!(password_reset_is_emailed_single_use_and_ends_sessions);

async fn password_reset_does_not_reveal_whether_an_account_exists(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .post(
            "/api/v1/auth/password-reset/request",
            None,
            json!({"email": unique_email("ghost")}),
        )
        .await;
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(app.count_rows("outbox_messages", "").await, 0);
}
on_both_databases!(password_reset_does_not_reveal_whether_an_account_exists);

async fn an_expired_reset_link_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("late");
    let admin = app.signup("Acme", &email).await;
    app.post("/api/v1/auth/password-reset/request", None, json!({"email": email}))
        .await;
    let token = app.emailed_token(&admin, &email, "password_reset").await;
    use kite_entity::one_time_token::{Column, Entity};
    use sea_orm::{EntityTrait, sea_query::Expr};
    Entity::update_many()
        .col_expr(
            Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::minutes(1)),
        )
        .exec(&app.state.kite.db)
        .await
        .expect("expire the token");
    let response = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "password": "too late for this"}),
        )
        .await;
    assert_eq!(response.code(), "invalid_or_expired_link");
}
on_both_databases!(an_expired_reset_link_is_refused);
