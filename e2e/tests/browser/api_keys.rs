//! API keys: an admin creates one in Settings, copies the secret the dialog shows once,
//! and another system calls the API with it, within its scopes, until it is revoked.

use kite_e2e::{Browser, PASSWORD, Server};

async fn call_with_key(server: &Server, method: reqwest::Method, path: &str, key: &str) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", server.base_url))
        .header("X-API-Key", key)
        .json(&serde_json::json!({"name": "Hooli"}))
        .send()
        .await
        .expect("an API answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn an_admin_creates_a_key_that_calls_the_api_within_its_scopes_until_revoked() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/settings/api-keys").await;
    browser
        .wait_for_text("[data-testid=api-key-settings]", "No API keys yet")
        .await;
    browser
        .click_text("[data-testid=api-key-settings] button", "Create API key")
        .await;
    browser.fill("#field-name", "Zapier").await;
    browser
        .find("#scope-companies")
        .await
        .select_by_value("write")
        .await
        .expect("choose companies: read and write");
    browser.click_text(".modal button[type=submit]", "Create key").await;
    browser
        .wait_for_text("[data-testid=api-key-created]", "Copy the key now")
        .await;
    let key = browser.value("[data-testid=api-key-secret]").await;
    assert!(key.starts_with("kite_live_"), "{key}");
    browser.screenshots_in_both_themes("api-key-created").await;

    let (status, body) = call_with_key(&server, reqwest::Method::POST, "/companies", &key).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = call_with_key(&server, reqwest::Method::GET, "/deals", &key).await;
    assert_eq!(
        (status, body["details"]["scope"].as_str()),
        (403, Some("deals:read")),
        "{body}"
    );

    browser.click_text("[data-testid=api-key-created] button", "Done").await;
    browser.goto("/settings/api-keys").await;
    browser.wait_for_text("[data-api-key=Zapier]", "from 127.0.0.1").await;
    browser.wait_for_text("[data-api-key=Zapier]", "companies:write").await;
    browser.screenshots_in_both_themes("api-keys").await;

    browser.click_text("[data-api-key=Zapier] button", "Revoke").await;
    browser.click_text(".modal .btn-danger", "Revoke").await;
    browser.wait_for_text("[data-api-key=Zapier]", "Revoked").await;
    let (status, body) = call_with_key(&server, reqwest::Method::GET, "/companies", &key).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("api_key_revoked")),
        "{body}"
    );
    browser.close().await;
}
