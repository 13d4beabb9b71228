//! Access tokens (HS256 JWT) and opaque tokens (refresh, invitation, reset).

use crate::{AuthFailure, CoreError, Settings};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: Uuid,
    /// The user's organization.
    pub org: Uuid,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

pub fn issue_access_token(settings: &Settings, user_id: Uuid, organization_id: Uuid) -> Result<String, CoreError> {
    let now = Utc::now();
    let claims = Claims {
        sub: user_id,
        org: organization_id,
        iss: settings.jwt_issuer.clone(),
        aud: settings.jwt_audience.clone(),
        iat: now.timestamp(),
        exp: (now + settings.access_token_ttl).timestamp(),
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&settings.jwt_secret),
    )
    .map_err(|e| CoreError::Internal(format!("could not sign access token: {e}")))
}

/// Accepts only HS256 tokens signed with our key, for our issuer and audience, unexpired.
/// `alg: none` and every other algorithm are refused by the pinned algorithm list.
pub fn verify_access_token(settings: &Settings, token: &str) -> Result<Claims, CoreError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[&settings.jwt_issuer]);
    validation.set_audience(&[&settings.jwt_audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    validation.leeway = 0;
    jsonwebtoken::decode::<Claims>(token, &DecodingKey::from_secret(&settings.jwt_secret), &validation)
        .map(|data| data.claims)
        .map_err(|e| match e.kind() {
            ErrorKind::ExpiredSignature => CoreError::Unauthenticated(AuthFailure::ExpiredToken),
            _ => CoreError::Unauthenticated(AuthFailure::InvalidToken),
        })
}

/// 256 random bits, URL-safe: the token handed to the client.
pub fn generate_opaque_token() -> Result<String, CoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| CoreError::Internal(format!("no randomness: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored instead of the token, so a database leak yields no usable token.
pub fn hash_opaque_token(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::with_secret(
            b"test-secret-test-secret-test-secret".to_vec(),
            "http://localhost".into(),
        )
    }

    #[test]
    fn an_issued_token_verifies() {
        let s = settings();
        let (user, org) = (Uuid::now_v7(), Uuid::now_v7());
        let token = issue_access_token(&s, user, org).expect("issue");
        let claims = verify_access_token(&s, &token).expect("verify");
        assert_eq!((claims.sub, claims.org), (user, org));
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let s = settings();
        let token = issue_access_token(&s, Uuid::now_v7(), Uuid::now_v7()).expect("issue");
        let other = Settings::with_secret(b"another-secret-another-secret".to_vec(), String::new());
        assert!(verify_access_token(&other, &token).is_err());
    }

    #[test]
    fn opaque_tokens_are_unique_and_hashed_to_hex() {
        let a = generate_opaque_token().expect("token");
        let b = generate_opaque_token().expect("token");
        assert_ne!(a, b);
        assert_eq!(hash_opaque_token(&a).len(), 64);
        assert_eq!(hash_opaque_token(&a), hash_opaque_token(&a));
    }
}
