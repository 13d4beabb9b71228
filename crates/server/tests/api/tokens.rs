use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64")).expect("json")
}

async fn refused(app: &TestApp, token: &str) -> String {
    let response = app.get("/api/v1/me", token).await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{}", response.body);
    response.code().to_owned()
}

async fn a_token_with_alg_none_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signup("Acme", &unique_email("none")).await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims_of(&session.access_token).to_string());
    assert_eq!(refused(&app, &format!("{header}.{payload}.")).await, "token_invalid");
}
on_both_databases!(a_token_with_alg_none_is_refused);

async fn a_tampered_token_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let victim = app.signup("Victim", &unique_email("victim")).await;
    let attacker = app.signup("Attacker", &unique_email("attacker")).await;
    // The attacker's own valid signature over a payload naming the victim.
    let mut parts: Vec<String> = attacker.access_token.split('.').map(str::to_owned).collect();
    let mut claims = claims_of(&attacker.access_token);
    claims["sub"] = json!(victim.user_id);
    claims["org"] = json!(victim.organization_id);
    parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_eq!(refused(&app, &parts.join(".")).await, "token_invalid");
}
on_both_databases!(a_tampered_token_is_refused);

async fn a_token_signed_with_another_key_or_algorithm_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signup("Acme", &unique_email("key")).await;
    let claims = claims_of(&session.access_token);
    let other_key = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(b"somebody else's secret, long enough"),
    )
    .expect("sign");
    assert_eq!(refused(&app, &other_key).await, "token_invalid");
    let same_key_other_alg = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &claims,
        &EncodingKey::from_secret(b"test-secret-that-is-long-enough-for-hs256"),
    )
    .expect("sign");
    assert_eq!(refused(&app, &same_key_other_alg).await, "token_invalid");
}
on_both_databases!(a_token_signed_with_another_key_or_algorithm_is_refused);

async fn an_expired_token_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signup("Acme", &unique_email("expired")).await;
    let mut claims = claims_of(&session.access_token);
    claims["exp"] = json!(chrono::Utc::now().timestamp() - 5);
    let expired = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(b"test-secret-that-is-long-enough-for-hs256"),
    )
    .expect("sign");
    assert_eq!(refused(&app, &expired).await, "token_expired");
}
on_both_databases!(an_expired_token_is_refused);

async fn a_token_for_another_audience_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let session = app.signup("Acme", &unique_email("aud")).await;
    let mut claims = claims_of(&session.access_token);
    claims["aud"] = json!("some-other-service");
    let token = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(b"test-secret-that-is-long-enough-for-hs256"),
    )
    .expect("sign");
    assert_eq!(refused(&app, &token).await, "token_invalid");
}
on_both_databases!(a_token_for_another_audience_is_refused);
