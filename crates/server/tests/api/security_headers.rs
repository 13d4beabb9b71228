//! Every response tells the browser what the page may do; over TLS it must stay on TLS.
//! Headers do not depend on the database: these run on SQLite.

use crate::helpers::{Backend, TestApp, unique_email};
use reqwest::Method;
use sha2::{Digest, Sha256};

fn header<'a>(response: &'a crate::helpers::Response, name: &str) -> &'a str {
    response
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[actix_web::test]
async fn api_responses_forbid_framing_sniffing_and_scripts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/api/v1/health", "/api/v1/contacts"] {
        let response = app.call(Method::GET, path, None, None).await;
        assert_eq!(header(&response, "x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        assert_eq!(header(&response, "referrer-policy"), "same-origin", "{path}");
        let policy = header(&response, "content-security-policy");
        assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert!(
            response.headers.get("strict-transport-security").is_none(),
            "plain http has no HSTS"
        );
    }
}

#[actix_web::test]
async fn the_spa_shell_may_run_only_its_own_scripts() {
    let dist = tempfile::tempdir().expect("dist");
    let theme = "document.documentElement.dataset.theme = 'dark';";
    let shell = format!("<html><head><script>{theme}</script><script src=\"/app.js\"></script></head></html>");
    std::fs::write(dist.path().join("index.html"), &shell).expect("index");
    let static_dir = dist.path().to_path_buf();
    let app = TestApp::spawn_with(Backend::Sqlite, move |config| config.static_dir = Some(static_dir)).await;
    for path in ["/", "/deals/board"] {
        let page = app.call(Method::GET, path, None, None).await;
        let policy = header(&page, "content-security-policy");
        let script_src = policy
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_else(|| panic!("{path}: no script-src in {policy}"));
        let hash = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, Sha256::digest(theme));
        assert_eq!(
            script_src,
            format!("script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'"),
            "{path}"
        );
        assert!(policy.contains("connect-src 'self'"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    }
}

#[actix_web::test]
async fn swagger_ui_may_load_its_own_scripts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.call(Method::GET, "/api-docs/", None, None).await;
    let policy = header(&page, "content-security-policy");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
}

#[actix_web::test]
async fn behind_https_browsers_keep_to_tls_and_the_session_cookie_is_secure() {
    let app = TestApp::spawn_with(Backend::Sqlite, |config| {
        config.public_url = "https://crm.example".into()
    })
    .await;
    let email = unique_email("tls");
    let signup = app
        .post(
            "/api/v1/auth/signup",
            None,
            serde_json::json!({
                "organization_name": "TLS Inc", "name": "Tess", "email": email,
                "password": crate::helpers::PASSWORD,
            }),
        )
        .await;
    assert!(signup.status.is_success(), "{}", signup.body);
    assert_eq!(
        header(&signup, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
    let cookie = signup.set_cookie().expect("a session cookie");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
}
