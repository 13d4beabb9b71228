use crate::helpers::{Backend, TestApp, read, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};

async fn post_raw(app: &TestApp, path: &str, content_type: &str, body: Vec<u8>) -> crate::helpers::Response {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("request");
    read(response).await
}

async fn malformed_json_is_a_400_in_the_error_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = post_raw(&app, "/api/v1/auth/login", "application/json", b"{\"email\": ".to_vec()).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.code(), "malformed_json");
    assert_eq!(response.body["status"], 400);
    assert_eq!(
        response.headers["content-type"].to_str().expect("header"),
        "application/problem+json"
    );
}
on_both_databases!(malformed_json_is_a_400_in_the_error_envelope);

async fn a_wrong_type_names_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = post_raw(
        &app,
        "/api/v1/auth/login",
        "application/json",
        br#"{"email": "a@b.co", "password": 12}"#.to_vec(),
    )
    .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.field_codes()[0].1, "invalid_type");
    let missing = post_raw(
        &app,
        "/api/v1/auth/login",
        "application/json",
        br#"{"email": "a@b.co"}"#.to_vec(),
    )
    .await;
    assert_eq!(missing.field_codes(), vec![("password".into(), "required".into())]);
}
on_both_databases!(a_wrong_type_names_the_field);

async fn an_oversize_body_is_a_413(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut body = br#"{"email": "a@b.co", "password": ""#.to_vec();
    body.extend(std::iter::repeat_n(b'x', 200 * 1024));
    body.extend(br#""}"#);
    let response = post_raw(&app, "/api/v1/auth/login", "application/json", body).await;
    assert_eq!(response.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(response.code(), "payload_too_large");
}
on_both_databases!(an_oversize_body_is_a_413);

async fn a_non_json_content_type_is_refused_clearly(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = post_raw(&app, "/api/v1/auth/login", "text/plain", b"hello".to_vec()).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.code(), "unsupported_content_type");
}
on_both_databases!(a_non_json_content_type_is_refused_clearly);

async fn unknown_routes_and_malformed_ids_are_404s_in_the_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signup("Acme", &unique_email("paths")).await;
    let unknown = app.get("/api/v1/no-such-thing", &session.access_token).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.code(), "route_not_found");
    let bad_id = app.get("/api/v1/users/not-a-uuid", &session.access_token).await;
    assert_eq!(bad_id.status, StatusCode::NOT_FOUND);
    assert_eq!(bad_id.code(), "not_found");
}
on_both_databases!(unknown_routes_and_malformed_ids_are_404s_in_the_envelope);

async fn health_reports_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body["database"], "ok");
    let expected = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(response.body["database_backend"], expected);
    assert!(response.headers.contains_key("x-request-id"));
}
on_both_databases!(health_reports_the_database);

async fn health_without_a_database_says_unavailable_and_nothing_more(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.state.kite.db.close_by_ref().await.expect("close the pool");
    let response = app.call(Method::GET, "/api/v1/health", None, None).await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.body["status"], "degraded");
    assert_eq!(response.body["database"], "unavailable");
    let fields: Vec<&String> = response.body.as_object().expect("an object").keys().collect();
    assert_eq!(fields, ["database", "database_backend", "status", "version"]);
}
on_both_databases!(health_without_a_database_says_unavailable_and_nothing_more);
