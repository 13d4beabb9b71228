//! SendGrid's Event Webhook: the signed batches of events it posts about sent mail.
//! SendGrid signs `timestamp + body` with ECDSA P-256 / SHA-256 and sends the DER
//! signature, base64, beside the timestamp; the public key (base64 DER, as SendGrid's
//! settings page shows it) is configured once per installation.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use serde::Deserialize;

pub const SIGNATURE_HEADER: &str = "x-twilio-email-event-webhook-signature";
pub const TIMESTAMP_HEADER: &str = "x-twilio-email-event-webhook-timestamp";

#[derive(Debug, thiserror::Error)]
#[error("not a SendGrid event webhook public key: {0}")]
pub struct BadKey(String);

/// The key SendGrid's events are verified with.
#[derive(Clone, Debug)]
pub struct EventWebhookKey(VerifyingKey);

impl EventWebhookKey {
    pub fn from_base64(encoded: &str) -> Result<Self, BadKey> {
        let der = STANDARD.decode(encoded.trim()).map_err(|e| BadKey(e.to_string()))?;
        VerifyingKey::from_public_key_der(&der)
            .map(Self)
            .map_err(|e| BadKey(e.to_string()))
    }

    /// Whether `signature` (base64 DER) signs `timestamp` followed by `body`.
    pub fn verify(&self, timestamp: &str, body: &[u8], signature: &str) -> bool {
        let Ok(der) = STANDARD.decode(signature.trim()) else {
            return false;
        };
        let Ok(signature) = Signature::from_der(&der) else {
            return false;
        };
        let mut signed = Vec::with_capacity(timestamp.len() + body.len());
        signed.extend_from_slice(timestamp.as_bytes());
        signed.extend_from_slice(body);
        self.0.verify(&signed, &signature).is_ok()
    }
}

/// One event of a batch, with the fields Kite reads. Custom arguments arrive as
/// top-level fields.
#[derive(Clone, Debug, Deserialize)]
pub struct ProviderEvent {
    #[serde(default)]
    pub email: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub timestamp: Option<i64>,
    pub event: String,
    #[serde(default)]
    pub sg_event_id: Option<String>,
    #[serde(default)]
    pub sg_message_id: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    /// For bounces: `bounce` (permanent) or `blocked` (temporary).
    #[serde(default, rename = "type")]
    pub bounce_type: Option<String>,
    #[serde(default, rename = "kite_email_id")]
    pub email_id: Option<String>,
}
