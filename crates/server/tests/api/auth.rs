use crate::helpers::{Backend, PASSWORD, TestApp, session, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn signup_creates_an_organization_and_its_first_admin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("founder");
    let response = app
        .post(
            "/api/v1/auth/signup",
            None,
            json!({"organization_name": "Acme Ltd", "name": "Ada", "email": email.to_uppercase(), "password": PASSWORD}),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(response.body["organization"]["name"], "Acme Ltd");
    assert_eq!(response.body["user"]["role"], "admin");
    assert_eq!(response.body["user"]["email"], email, "emails are stored lower-case");
    assert_eq!(response.body["expires_in"], 900);

    let me = app
        .get("/api/v1/me", response.body["access_token"].as_str().expect("token"))
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["organization"]["name"], "Acme Ltd");
    assert!(
        me.body["permissions"]
            .as_array()
            .expect("permissions")
            .contains(&json!("manage_users"))
    );
}
on_both_databases!(signup_creates_an_organization_and_its_first_admin);

async fn signup_with_a_taken_email_is_a_conflict_on_the_email_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("taken");
    app.signup("First", &email).await;
    let again = app
        .post(
            "/api/v1/auth/signup",
            None,
            json!({"organization_name": "Second", "name": "Bo", "email": email, "password": PASSWORD}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "email_taken");
    assert_eq!(again.field_codes(), vec![("email".into(), "email_taken".into())]);
}
on_both_databases!(signup_with_a_taken_email_is_a_conflict_on_the_email_field);

async fn signup_reports_every_invalid_field_and_writes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .post(
            "/api/v1/auth/signup",
            None,
            json!({"organization_name": " ", "name": "Ann", "email": "not-an-email", "password": "short"}),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.code(), "validation_failed");
    let fields = response.field_codes();
    assert!(
        fields.contains(&("organization_name".into(), "required".into())),
        "{fields:?}"
    );
    assert!(fields.contains(&("email".into(), "invalid_email".into())), "{fields:?}");
    assert!(fields.contains(&("password".into(), "too_short".into())), "{fields:?}");
    assert_eq!(app.count_rows("organizations", "").await, 0);
    assert_eq!(app.count_rows("users", "").await, 0);
}
on_both_databases!(signup_reports_every_invalid_field_and_writes_nothing);

async fn a_password_equal_to_the_email_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("same");
    let response = app
        .post(
            "/api/v1/auth/signup",
            None,
            json!({"organization_name": "Acme", "name": "Ann", "email": email, "password": email}),
        )
        .await;
    assert_eq!(
        response.field_codes(),
        vec![("password".into(), "same_as_email".into())]
    );
}
on_both_databases!(a_password_equal_to_the_email_is_refused);

async fn login_returns_tokens_and_sets_an_http_only_strict_cookie(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("login");
    app.signup("Acme", &email).await;
    let response = app.login(&email, PASSWORD).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let cookie = response.set_cookie().expect("refresh cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(cookie.contains("Path=/api/v1/auth"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http must not set Secure: {cookie}");
    let refresh = response.body["refresh_token"].as_str().expect("refresh token");
    assert!(cookie.starts_with(&format!("kite_refresh={refresh}")));
}
on_both_databases!(login_returns_tokens_and_sets_an_http_only_strict_cookie);

async fn wrong_password_and_unknown_email_get_the_same_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = unique_email("wrong");
    app.signup("Acme", &email).await;
    let wrong = app.login(&email, "not the password at all").await;
    let unknown = app.login(&unique_email("nobody"), PASSWORD).await;
    for response in [&wrong, &unknown] {
        assert_eq!(response.status, StatusCode::UNAUTHORIZED);
        assert_eq!(response.code(), "invalid_credentials");
    }
    assert_eq!(wrong.body["message"], unknown.body["message"]);
}
on_both_databases!(wrong_password_and_unknown_email_get_the_same_answer);

async fn refresh_rotates_the_pair(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let first = app.signup("Acme", &unique_email("rotate")).await;
    let response = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first.refresh_token}),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let second = session(&response.body);
    assert_ne!(second.refresh_token, first.refresh_token);
    assert_eq!(app.get("/api/v1/me", &second.access_token).await.status, StatusCode::OK);
    let third = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": second.refresh_token}),
        )
        .await;
    assert_eq!(third.status, StatusCode::OK, "the successor works once too");
}
on_both_databases!(refresh_rotates_the_pair);

async fn reused_refresh_token_revokes_the_whole_family(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let stolen = app.signup("Acme", &unique_email("reuse")).await;
    let owner = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": stolen.refresh_token}),
        )
        .await;
    let owner = session(&owner.body);

    let thief = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": stolen.refresh_token}),
        )
        .await;
    assert_eq!(thief.status, StatusCode::UNAUTHORIZED);
    assert_eq!(thief.code(), "refresh_token_reused");

    let after = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": owner.refresh_token}),
        )
        .await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "the newer token of the family is revoked too"
    );
}
on_both_databases!(reused_refresh_token_revokes_the_whole_family);

async fn refresh_reads_the_cookie_when_the_body_is_empty(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signup("Acme", &unique_email("cookie")).await;
    let response = app
        .client
        .post(format!("{}/api/v1/auth/refresh", app.address))
        .header("cookie", format!("kite_refresh={}", session.refresh_token))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
}
on_both_databases!(refresh_reads_the_cookie_when_the_body_is_empty);

async fn logout_ends_the_session_and_clears_the_cookie(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signup("Acme", &unique_email("logout")).await;
    let response = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": session.refresh_token}),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    let cookie = response.set_cookie().expect("a removal cookie");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
    let refresh = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": session.refresh_token}),
        )
        .await;
    assert_eq!(refresh.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refresh.code(), "refresh_token_invalid");
}
on_both_databases!(logout_ends_the_session_and_clears_the_cookie);

async fn me_without_a_token_is_401_in_the_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.call(Method::GET, "/api/v1/me", None, None).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(response.code(), "token_missing");
    assert_eq!(response.body["status"], 401);
}
on_both_databases!(me_without_a_token_is_401_in_the_envelope);

async fn auth_routes_are_rate_limited_per_client_ip(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.auth_rate_limit = kite_server::config::RateLimit::per_minute(3);
    })
    .await;
    let email = unique_email("limited");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(app.login(&email, PASSWORD).await);
    }
    assert!(statuses[..3].iter().all(|r| r.status == StatusCode::UNAUTHORIZED));
    let limited = &statuses[3];
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.code(), "rate_limited");
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .expect("header")
        .parse()
        .expect("seconds");
    assert!((1..=20).contains(&retry_after), "{retry_after}");
    // The looser API-wide limit still lets other routes through.
    let health = app.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(health.status, StatusCode::OK);
}
on_both_databases!(auth_routes_are_rate_limited_per_client_ip);

/// Statuses of `count` sign-in attempts sent with `X-Forwarded-For: forwarded_for`.
async fn logins_forwarded_for(app: &TestApp, forwarded_for: &str, count: usize) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for _ in 0..count {
        let response = app
            .client
            .post(format!("{}/api/v1/auth/login", app.address))
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({"email": "nobody@example.com", "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        statuses.push(response.status());
    }
    statuses
}

async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.auth_rate_limit = kite_server::config::RateLimit::per_minute(2);
        config.trusted_proxies = kite_server::client_ip::TrustedProxies::parse("127.0.0.1").expect("proxies");
    })
    .await;
    let first = logins_forwarded_for(&app, "198.51.100.1", 3).await;
    assert_eq!(first[2], StatusCode::TOO_MANY_REQUESTS, "{first:?}");
    // Another client behind the same proxy is not held back by the first.
    let second = logins_forwarded_for(&app, "203.0.113.5, 198.51.100.2", 1).await;
    assert_eq!(second, [StatusCode::UNAUTHORIZED]);
}
on_both_databases!(behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit);

async fn an_untrusted_peer_cannot_pick_its_address_with_forwarded_for(backend: Backend) {
    let app = TestApp::spawn_with(backend, |config| {
        config.auth_rate_limit = kite_server::config::RateLimit::per_minute(2);
    })
    .await;
    logins_forwarded_for(&app, "198.51.100.1", 2).await;
    let spoofed = logins_forwarded_for(&app, "198.51.100.2", 1).await;
    assert_eq!(spoofed, [StatusCode::TOO_MANY_REQUESTS]);
}
on_both_databases!(an_untrusted_peer_cannot_pick_its_address_with_forwarded_for);
