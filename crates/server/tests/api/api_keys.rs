//! API keys: shown once and stored hashed, scoped per area, revocable and expiring,
//! limited per key, and named in the audit log as themselves.

use crate::helpers::{Backend, Response, Session, TestApp, read, unique_email};
use crate::on_both_databases;
use kite_entity::api_key;
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

async fn create_key(app: &TestApp, admin: &Session, body: Value) -> (String, Value) {
    let created = app.post("/api/v1/api-keys", Some(&admin.access_token), body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let secret = created.body["secret"].as_str().unwrap_or_default().to_owned();
    (secret, created.body["key"].clone())
}

async fn key_with(app: &TestApp, admin: &Session, scopes: &[&str]) -> String {
    create_key(app, admin, json!({"name": "Zapier", "scopes": scopes}))
        .await
        .0
}

/// A request with the key in `X-API-Key`, as many integration tools send it.
async fn with_header_key(app: &TestApp, method: Method, path: &str, key: &str, body: Option<Value>) -> Response {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.address))
        .header("X-API-Key", key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    read(request.send().await.expect("request")).await
}

async fn a_key_is_shown_once_and_stored_only_as_a_hash(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let (secret, key) = create_key(
        &app,
        &admin,
        json!({"name": "Zapier", "scopes": ["contacts:read", "deals:write"], "rate_limit_per_minute": 120}),
    )
    .await;
    assert!(secret.starts_with("kite_live_") && secret.len() > 40, "{secret}");
    assert!(secret.starts_with(key["prefix"].as_str().unwrap_or("-")), "{key}");
    assert_eq!(key["scopes"], json!(["contacts:read", "deals:write"]));
    assert_eq!(key["rate_limit_per_minute"], 120);
    assert_eq!(key["created_by_name"], "Ada Admin");

    let listed = app.get("/api/v1/api-keys", &admin.access_token).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body[0]["id"], key["id"]);
    assert!(
        !listed.body.to_string().contains(&secret),
        "the secret is never shown again"
    );
    assert_eq!(
        app.count_rows(
            "api_keys",
            &format!("WHERE secret_hash = '{secret}' OR prefix = '{secret}'")
        )
        .await,
        0,
        "the secret itself is not stored"
    );
}
on_both_databases!(a_key_is_shown_once_and_stored_only_as_a_hash);

async fn a_key_works_as_a_bearer_token_and_in_x_api_key(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let key = key_with(&app, &admin, &["contacts:write"]).await;
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&key),
            json!({"first_name": "Ann", "last_name": "Lee"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let listed = with_header_key(&app, Method::GET, "/api/v1/contacts", &key, None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert_eq!(listed.body["total"], 1);
    let me = with_header_key(&app, Method::GET, "/api/v1/me", &key, None).await;
    assert_eq!(me.status, StatusCode::OK, "any key may ask who it is: {}", me.body);
}
on_both_databases!(a_key_works_as_a_bearer_token_and_in_x_api_key);

async fn each_area_needs_its_scope_and_a_refusal_names_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    // One read and one write route of every area: the key with the area's write scope
    // gets through, the key with every other area's scopes is refused naming the scope.
    let samples: [(&str, Method, &str, Option<Value>, &str); 12] = [
        ("contacts:read", Method::GET, "/api/v1/contacts", None, "contacts:write"),
        (
            "contacts:write",
            Method::POST,
            "/api/v1/contacts",
            Some(json!({"first_name": "Ann"})),
            "contacts:write",
        ),
        (
            "companies:read",
            Method::GET,
            "/api/v1/companies",
            None,
            "companies:write",
        ),
        (
            "companies:write",
            Method::POST,
            "/api/v1/companies",
            Some(json!({"name": "Globex"})),
            "companies:write",
        ),
        ("deals:read", Method::GET, "/api/v1/pipelines", None, "deals:write"),
        ("deals:read", Method::GET, "/api/v1/deals", None, "deals:read"),
        (
            "activities:read",
            Method::GET,
            "/api/v1/activities",
            None,
            "activities:write",
        ),
        (
            "activities:read",
            Method::GET,
            "/api/v1/my-tasks",
            None,
            "activities:read",
        ),
        (
            "marketing:read",
            Method::GET,
            "/api/v1/email-templates",
            None,
            "marketing:write",
        ),
        (
            "marketing:read",
            Method::GET,
            "/api/v1/campaigns",
            None,
            "marketing:read",
        ),
        (
            "analytics:read",
            Method::GET,
            "/api/v1/dashboards",
            None,
            "analytics:write",
        ),
        (
            "analytics:read",
            Method::GET,
            "/api/v1/analytics/summary",
            None,
            "analytics:read",
        ),
    ];
    for (needed, method, path, body, granting) in samples {
        let allowed = key_with(&app, &admin, &[granting]).await;
        let others: Vec<&str> = [
            "contacts:write",
            "companies:write",
            "deals:write",
            "activities:write",
            "marketing:write",
            "analytics:write",
            "webhooks:write",
        ]
        .into_iter()
        .filter(|s| s.split(':').next() != needed.split(':').next())
        .collect();
        let refused = key_with(&app, &admin, &others).await;

        let ok = app.call(method.clone(), path, Some(&allowed), body.clone()).await;
        assert!(
            ok.status.is_success(),
            "{granting} should open {method} {path}: {} {}",
            ok.status,
            ok.body
        );
        let no = app.call(method.clone(), path, Some(&refused), body).await;
        assert_eq!(no.status, StatusCode::FORBIDDEN, "{method} {path}: {}", no.body);
        assert_eq!(no.code(), "missing_scope");
        assert_eq!(no.body["details"]["scope"], needed, "{method} {path}");
    }
}
on_both_databases!(each_area_needs_its_scope_and_a_refusal_names_it);

async fn read_scopes_do_not_write_and_routes_outside_the_areas_need_full_access(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let reader = key_with(&app, &admin, &["contacts:read"]).await;
    let write = app
        .post("/api/v1/contacts", Some(&reader), json!({"first_name": "Ann"}))
        .await;
    assert_eq!(
        (write.status, write.body["details"]["scope"].as_str()),
        (StatusCode::FORBIDDEN, Some("contacts:write"))
    );
    assert_eq!(app.count_rows("contacts", "").await, 0, "nothing written");

    let users = app.get("/api/v1/users", &reader).await;
    assert_eq!(
        (users.status, users.body["details"]["scope"].as_str()),
        (StatusCode::FORBIDDEN, Some("full"))
    );
    let full = key_with(&app, &admin, &["full"]).await;
    assert_eq!(app.get("/api/v1/users", &full).await.status, StatusCode::OK);
    assert_eq!(app.get("/api/v1/audit-log", &full).await.status, StatusCode::OK);
}
on_both_databases!(read_scopes_do_not_write_and_routes_outside_the_areas_need_full_access);

async fn revoked_expired_and_unknown_keys_answer_401(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let (secret, key) = create_key(&app, &admin, json!({"name": "Old", "scopes": ["full"]})).await;
    assert_eq!(app.get("/api/v1/contacts", &secret).await.status, StatusCode::OK);
    let id = key["id"].as_str().unwrap_or_default();
    let revoked = app
        .post(
            &format!("/api/v1/api-keys/{id}/revoke"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert!(revoked.body["revoked_at"].is_string());
    let refused = app.get("/api/v1/contacts", &secret).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::UNAUTHORIZED, "api_key_revoked")
    );

    let (expiring, key) = create_key(
        &app,
        &admin,
        json!({"name": "Short", "scopes": ["full"], "expires_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(app.get("/api/v1/contacts", &expiring).await.status, StatusCode::OK);
    let id: uuid::Uuid = key["id"].as_str().and_then(|id| id.parse().ok()).expect("key id");
    api_key::Entity::update_many()
        .col_expr(
            api_key::Column::ExpiresAt,
            Expr::value(chrono::Utc::now() - chrono::Duration::seconds(1)),
        )
        .filter(api_key::Column::Id.eq(id))
        .exec(&app.state.kite.db)
        .await
        .expect("age the key");
    let expired = app.get("/api/v1/contacts", &expiring).await;
    assert_eq!(
        (expired.status, expired.code()),
        (StatusCode::UNAUTHORIZED, "api_key_expired")
    );

    let unknown = app
        .get("/api/v1/contacts", "kite_live_notakeynotakeynotakeynotakeynotakey123")
        .await;
    assert_eq!(
        (unknown.status, unknown.code()),
        (StatusCode::UNAUTHORIZED, "api_key_invalid")
    );
}
on_both_databases!(revoked_expired_and_unknown_keys_answer_401);

async fn a_key_stops_when_its_creator_is_deactivated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signup("Acme", &unique_email("owner")).await;
    let second = app.add_user(&owner, &unique_email("second"), "admin").await;
    let key = key_with(&app, &second, &["full"]).await;
    assert_eq!(app.get("/api/v1/contacts", &key).await.status, StatusCode::OK);
    let deactivated = app
        .patch(
            &format!("/api/v1/users/{}", second.user_id),
            &owner.access_token,
            json!({"active": false}),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.body);
    assert_eq!(app.get("/api/v1/contacts", &key).await.status, StatusCode::UNAUTHORIZED);
}
on_both_databases!(a_key_stops_when_its_creator_is_deactivated);

async fn the_audit_log_names_the_key_and_its_creator(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let key = key_with(&app, &admin, &["contacts:write"]).await;
    let created = app
        .post("/api/v1/contacts", Some(&key), json!({"first_name": "Ann"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let log = app
        .get("/api/v1/audit-log?action=contact.created", &admin.access_token)
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    assert_eq!(
        log.body["items"][0]["actor_label"], "API key 'Zapier' by Ada Admin",
        "{}",
        log.body
    );
    let made = app
        .get("/api/v1/audit-log?action=api_key.created", &admin.access_token)
        .await;
    assert_eq!(made.body["items"][0]["after"]["name"], "Zapier", "{}", made.body);
}
on_both_databases!(the_audit_log_names_the_key_and_its_creator);

async fn each_key_has_its_own_rate_limit_with_headers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let (slow, _) = create_key(
        &app,
        &admin,
        json!({"name": "Slow", "scopes": ["contacts:read"], "rate_limit_per_minute": 2}),
    )
    .await;
    for remaining in ["1", "0"] {
        let ok = app.get("/api/v1/contacts", &slow).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(ok.headers["ratelimit-limit"], "2");
        assert_eq!(ok.headers["ratelimit-remaining"], remaining);
    }
    let limited = app.get("/api/v1/contacts", &slow).await;
    assert_eq!(
        (limited.status, limited.code()),
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited")
    );
    let retry_after: u64 = limited.headers["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_eq!(limited.headers["ratelimit-remaining"], "0");
    assert!(limited.headers.contains_key("ratelimit-reset"));

    let other = key_with(&app, &admin, &["contacts:read"]).await;
    assert_eq!(
        app.get("/api/v1/contacts", &other).await.status,
        StatusCode::OK,
        "another key has its own budget"
    );
    let session = app.get("/api/v1/contacts", &admin.access_token).await;
    assert_eq!(session.status, StatusCode::OK);
    assert!(
        !session.headers.contains_key("ratelimit-limit"),
        "sessions are limited per address only"
    );
}
on_both_databases!(each_key_has_its_own_rate_limit_with_headers);

async fn a_key_records_when_and_from_where_it_was_last_used(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let key = key_with(&app, &admin, &["contacts:read"]).await;
    let before = app.get("/api/v1/api-keys", &admin.access_token).await;
    assert_eq!(before.body[0]["last_used_at"], Value::Null);
    app.get("/api/v1/contacts", &key).await;
    let after = app.get("/api/v1/api-keys", &admin.access_token).await;
    assert!(after.body[0]["last_used_at"].is_string(), "{}", after.body);
    assert_eq!(after.body[0]["last_used_ip"], "127.0.0.1");
}
on_both_databases!(a_key_records_when_and_from_where_it_was_last_used);

async fn bad_key_requests_name_the_field_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let cases = [
        (
            json!({"name": "X", "scopes": ["contacts:read", "contacts:admin"]}),
            "scopes[1]",
        ),
        (json!({"name": "X", "scopes": []}), "scopes"),
        (json!({"name": " ", "scopes": ["full"]}), "name"),
        (
            json!({"name": "X", "scopes": ["full"], "expires_at": "2020-01-01T00:00:00Z"}),
            "expires_at",
        ),
        (
            json!({"name": "X", "scopes": ["full"], "rate_limit_per_minute": 0}),
            "rate_limit_per_minute",
        ),
        (json!({"name": "X", "scopes": ["full"], "owner": "me"}), "owner"),
    ];
    for (body, field) in cases {
        let refused = app
            .post("/api/v1/api-keys", Some(&admin.access_token), body.clone())
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            refused.body
        );
        assert!(
            refused.field_codes().iter().any(|(f, _)| f == field),
            "{body} should name {field}: {}",
            refused.body
        );
    }
    assert_eq!(app.count_rows("api_keys", "").await, 0);
}
on_both_databases!(bad_key_requests_name_the_field_and_write_nothing);

async fn only_a_signed_in_admin_manages_keys(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let body = json!({"name": "Mine", "scopes": ["full"]});
    assert_eq!(
        app.post("/api/v1/api-keys", Some(&rep.access_token), body.clone())
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let full = key_with(&app, &admin, &["full"]).await;
    let by_key = app.post("/api/v1/api-keys", Some(&full), body).await;
    assert_eq!(
        (by_key.status, by_key.code()),
        (StatusCode::FORBIDDEN, "session_required")
    );
    assert_eq!(app.get("/api/v1/api-keys", &full).await.status, StatusCode::FORBIDDEN);

    let other = app.signup("Globex", &unique_email("other")).await;
    let (_, key) = create_key(&app, &other, json!({"name": "Theirs", "scopes": ["full"]})).await;
    let revoke = app
        .post(
            &format!("/api/v1/api-keys/{}/revoke", key["id"].as_str().unwrap_or_default()),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(
        revoke.status,
        StatusCode::NOT_FOUND,
        "another organization's key is not found"
    );
    let theirs = app.get("/api/v1/api-keys", &other.access_token).await;
    assert_eq!(theirs.body[0]["revoked_at"], Value::Null);
}
on_both_databases!(only_a_signed_in_admin_manages_keys);
