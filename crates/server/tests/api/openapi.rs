use crate::helpers::{Backend, TestApp};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::Value;

async fn every_documented_operation_is_served(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = app.call(Method::GET, "/api-docs/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.body["paths"].as_object().expect("paths");
    for required in [
        "/api/v1/health",
        "/api/v1/auth/signup",
        "/api/v1/auth/login",
        "/api/v1/auth/refresh",
        "/api/v1/auth/logout",
        "/api/v1/auth/password-reset/request",
        "/api/v1/auth/password-reset/confirm",
        "/api/v1/auth/accept-invitation",
        "/api/v1/me",
        "/api/v1/me/password",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/audit-log",
        "/api/v1/outbox",
    ] {
        assert!(paths.contains_key(required), "{required} is not documented");
    }
    let mut checked = 0;
    for (path, operations) in paths {
        let concrete = path
            .replace("{id}", &uuid::Uuid::new_v4().to_string())
            .replace("{kind}", "contacts");
        for method in operations.as_object().expect("operations").keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let response = app
                .call(method.clone(), &concrete, None, Some(Value::Object(Default::default())))
                .await;
            assert_ne!(
                response.code(),
                "route_not_found",
                "{method} {path} is documented but not served"
            );
            assert_ne!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked >= 14, "only {checked} operations checked");
}
on_both_databases!(every_documented_operation_is_served);

async fn swagger_ui_is_served_with_bearer_auth(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ui = app.call(Method::GET, "/api-docs/", None, None).await;
    assert_eq!(ui.status, StatusCode::OK);
    assert!(ui.body.as_str().unwrap_or_default().contains("swagger"), "{}", ui.body);
    let doc = app.call(Method::GET, "/api-docs/openapi.json", None, None).await;
    assert_eq!(
        doc.body["components"]["securitySchemes"]["bearer_auth"]["scheme"],
        "bearer"
    );
    assert_eq!(
        doc.body["paths"]["/api/v1/me"]["get"]["security"][0]["bearer_auth"],
        Value::Array(vec![])
    );
}
on_both_databases!(swagger_ui_is_served_with_bearer_auth);

async fn the_document_declares_api_keys_on_every_route_a_key_may_call(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = app.call(Method::GET, "/api-docs/openapi.json", None, None).await;
    let scheme = &doc.body["components"]["securitySchemes"]["api_key"];
    assert_eq!(
        (scheme["type"].as_str(), scheme["in"].as_str(), scheme["name"].as_str()),
        (Some("apiKey"), Some("header"), Some("X-API-Key"))
    );
    let alternatives = |path: &str, method: &str| -> Vec<String> {
        doc.body["paths"][path][method]["security"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|r| r.as_object()?.keys().next().cloned())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(alternatives("/api/v1/contacts", "get"), ["bearer_auth", "api_key"]);
    assert_eq!(
        alternatives("/api/v1/api-keys", "post"),
        ["bearer_auth"],
        "keys never manage keys"
    );
    assert_eq!(
        alternatives("/api/v1/calendar-feed", "post"),
        ["bearer_auth"],
        "a feed URL is a user's own"
    );
    assert_eq!(alternatives("/api/v1/calendar", "get"), ["bearer_auth", "api_key"]);
}
on_both_databases!(the_document_declares_api_keys_on_every_route_a_key_may_call);

async fn client_routes_fall_back_to_the_spa_shell(backend: Backend) {
    let dist = tempfile::tempdir().expect("dist");
    std::fs::write(dist.path().join("index.html"), "<html>kite shell</html>").expect("index");
    std::fs::write(dist.path().join("app.js"), "console.log(1)").expect("asset");
    let static_dir = dist.path().to_path_buf();
    let app = TestApp::spawn_with(backend, move |config| config.static_dir = Some(static_dir)).await;
    for path in ["/", "/contacts/42", "/settings/users"] {
        let page = app.call(Method::GET, path, None, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert_eq!(page.body, "<html>kite shell</html>", "{path}");
    }
    let asset = app.call(Method::GET, "/app.js", None, None).await;
    assert_eq!(asset.body, "console.log(1)");
    let api = app.call(Method::GET, "/api/v1/contacts-typo", None, None).await;
    assert_eq!(api.code(), "route_not_found", "API paths never get the shell");
}
on_both_databases!(client_routes_fall_back_to_the_spa_shell);

async fn every_list_documents_its_paging_in_the_query_with_the_maximum(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let doc = app.call(Method::GET, "/api-docs/openapi.json", None, None).await;
    for path in [
        "/api/v1/contacts",
        "/api/v1/audit-log",
        "/api/v1/imports",
        "/api/v1/search",
    ] {
        let parameters = doc.body["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has no parameters"));
        let named = |name: &str| parameters.iter().find(|p| p["name"] == name);
        for name in ["cursor", "per_page", "total"] {
            let parameter = named(name).unwrap_or_else(|| panic!("{path} lacks {name}"));
            assert_eq!(parameter["in"], "query", "{path} {name}");
        }
        let per_page = named("per_page")
            .map(|p| p["description"].to_string())
            .unwrap_or_default();
        assert!(per_page.contains("200"), "{path}: {per_page}");
        let page = &doc.body["paths"][path]["get"]["responses"]["200"];
        assert!(page.to_string().contains("Page"), "{path}: {page}");
    }
    if let Some(filters) = doc.body["paths"]["/api/v1/contacts"]["get"]["parameters"].as_array() {
        assert!(filters.iter().all(|p| p["in"] == "query"), "{filters:?}");
    }
}
on_both_databases!(every_list_documents_its_paging_in_the_query_with_the_maximum);
