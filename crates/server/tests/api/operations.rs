//! What operators watch: readiness for the load balancer and Prometheus metrics.

use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};

async fn a_started_instance_is_ready_with_its_schema_and_workers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ready = app.call(Method::GET, "/api/v1/ready", None, None).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.body);
    assert_eq!(ready.body["status"], "ready");
    assert_eq!(ready.body["database"], "ok");
    assert_eq!(ready.body["migrations"], "applied");
    assert_eq!(ready.body["workers"], "running");

    app.state
        .workers_running
        .store(false, std::sync::atomic::Ordering::Relaxed);
    let stopping = app.call(Method::GET, "/api/v1/ready", None, None).await;
    assert_eq!(stopping.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(stopping.body["workers"], "stopped");
}
on_both_databases!(a_started_instance_is_ready_with_its_schema_and_workers);

async fn scrape(app: &TestApp, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let mut request = app.client.get(format!("{}/metrics", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("scrape");
    (response.status(), response.text().await.unwrap_or_default())
}

async fn metrics_count_requests_by_route_and_show_queue_streams_and_pool(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for id in [
        "0190a3b4-0000-7000-8000-000000000001",
        "0190a3b4-0000-7000-8000-000000000002",
    ] {
        let missing = app.get(&format!("/api/v1/contacts/{id}"), &admin.access_token).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND);
    }
    let (_ticket, _stream) = app.event_stream(&admin).await;

    let (status, text) = scrape(&app, &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.contains(r#"kite_http_requests_total{method="GET",route="/api/v1/contacts/{id}",status="404"} 2"#),
        "one series for the route, not one per id:\n{text}"
    );
    assert!(text.contains(r#"kite_http_request_duration_seconds_count{method="GET",route="/api/v1/contacts/{id}"} 2"#));
    assert!(text.contains("kite_sse_clients 1"), "{text}");
    assert!(text.contains("kite_jobs_due "), "{text}");
    assert!(text.contains("kite_jobs_oldest_due_seconds "), "{text}");
    assert!(text.contains(r#"kite_db_pool_connections{state="in_use"}"#), "{text}");
}
on_both_databases!(metrics_count_requests_by_route_and_show_queue_streams_and_pool);

#[actix_web::test]
async fn metrics_are_local_only_unless_a_token_is_set() {
    let open = TestApp::spawn(Backend::Sqlite).await;
    let (relayed, _) = scrape(&open, &[("x-forwarded-for", "203.0.113.9")]).await;
    assert_eq!(
        relayed,
        StatusCode::FORBIDDEN,
        "a request relayed by a proxy is not local"
    );

    let guarded = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.metrics_token = Some("scrape-secret".into());
    })
    .await;
    assert_eq!(scrape(&guarded, &[]).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        scrape(&guarded, &[("authorization", "Bearer wrong")]).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, text) = scrape(&guarded, &[("authorization", "Bearer scrape-secret")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("kite_jobs_running"), "{text}");
}
