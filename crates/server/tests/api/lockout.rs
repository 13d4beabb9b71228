use crate::helpers::{Backend, PASSWORD, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;

async fn five_failed_logins_lock_the_account_even_for_the_right_password(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("locked");
    app.signup("Acme", &email).await;
    for attempt in 1..=4 {
        let response = app.login(&email, "wrong password number").await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let fifth = app.login(&email, "wrong password number").await;
    assert_eq!(fifth.status, StatusCode::LOCKED);
    assert_eq!(fifth.code(), "account_locked");

    let right = app.login(&email, PASSWORD).await;
    assert_eq!(right.status, StatusCode::LOCKED, "{}", right.body);
    assert_eq!(right.code(), "account_locked");
    assert!(right.headers.contains_key("retry-after"));
}
on_both_databases!(five_failed_logins_lock_the_account_even_for_the_right_password);

async fn a_successful_login_resets_the_failure_count(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("reset-count");
    app.signup("Acme", &email).await;
    for _ in 0..4 {
        app.login(&email, "wrong password number").await;
    }
    assert_eq!(app.login(&email, PASSWORD).await.status, StatusCode::OK);
    for _ in 0..4 {
        app.login(&email, "wrong password number").await;
    }
    assert_eq!(
        app.login(&email, PASSWORD).await.status,
        StatusCode::OK,
        "four more failures do not lock"
    );
}
on_both_databases!(a_successful_login_resets_the_failure_count);

async fn the_lock_ends_after_its_duration(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| config.lockout_minutes = 0).await;
    let email = unique_email("unlock");
    app.signup("Acme", &email).await;
    for _ in 0..4 {
        app.login(&email, "wrong password number").await;
    }
    assert_eq!(
        app.login(&email, "wrong password number").await.status,
        StatusCode::LOCKED
    );
    // A zero-minute lock has already expired by the next request.
    assert_eq!(app.login(&email, PASSWORD).await.status, StatusCode::OK);
}
on_both_databases!(the_lock_ends_after_its_duration);
