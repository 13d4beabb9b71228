use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EmailMessage {
    /// The organization the message is sent for, so its admins see it in the outbox.
    pub organization_id: Option<Uuid>,
    pub to: Vec<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// What kind of message this is (`invitation`, `password_reset`, ...).
    pub category: String,
    pub attachments: Vec<Attachment>,
    /// Who it is from, when not the installation's own address (a campaign's sender).
    #[serde(default)]
    pub from: Option<Mailbox>,
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Extra headers (`List-Unsubscribe`, `Message-ID`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Names the email row this message is; the provider carries it back in its
    /// events, and a retried send asks the sender whether it already went.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    pub email: String,
    pub name: Option<String>,
}

/// What the provider said when it took the message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SendReceipt {
    /// SendGrid's `X-Message-Id`; its events name the message by it.
    pub provider_message_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    #[serde(with = "base64_bytes")]
    pub content: Vec<u8>,
}

mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        STANDARD.decode(text).map_err(serde::de::Error::custom)
    }
}
