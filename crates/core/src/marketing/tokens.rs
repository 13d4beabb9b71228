//! The signed tokens in links of sent emails: the open pixel, tracked clicks and the
//! unsubscribe link. A token names its email (and, for a click, the link's address)
//! and when it expires, sealed with an HMAC under a key derived from the server's
//! secret: an unsigned or altered token is refused, so the redirect only ever goes to
//! an address Kite itself put in an email.

use super::render::Tracking;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// Truncated MAC: 128 bits is plenty against forgery of a link.
const MAC_BYTES: usize = 16;
/// Tracked links keep working for a year; unsubscribe links for ten.
pub const TRACKING_TTL_DAYS: i64 = 365;
pub const UNSUBSCRIBE_TTL_DAYS: i64 = 3650;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Open,
    Click,
    Unsubscribe,
}

impl Purpose {
    fn tag(self) -> u8 {
        match self {
            Purpose::Open => b'o',
            Purpose::Click => b'c',
            Purpose::Unsubscribe => b'u',
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claims {
    pub email_id: Uuid,
    pub url: Option<String>,
}

fn mac(secret: &[u8], data: &[u8]) -> Option<HmacSha256> {
    let mut derive = HmacSha256::new_from_slice(secret).ok()?;
    derive.update(b"kite email links v1");
    let key = derive.finalize().into_bytes();
    let mut mac = HmacSha256::new_from_slice(&key).ok()?;
    mac.update(data);
    Some(mac)
}

pub fn sign(secret: &[u8], purpose: Purpose, email_id: Uuid, url: Option<&str>, expires_at: DateTime<Utc>) -> String {
    let mut data = Vec::with_capacity(25 + url.map_or(0, str::len) + MAC_BYTES);
    data.push(purpose.tag());
    data.extend_from_slice(email_id.as_bytes());
    data.extend_from_slice(&expires_at.timestamp().to_be_bytes());
    if let Some(url) = url {
        data.extend_from_slice(url.as_bytes());
    }
    if let Some(mac) = mac(secret, &data) {
        data.extend_from_slice(&mac.finalize().into_bytes()[..MAC_BYTES]);
    }
    URL_SAFE_NO_PAD.encode(data)
}

/// A token's claims, if it is Kite's, for `purpose`, and not expired.
pub fn verify(secret: &[u8], purpose: Purpose, token: &str, now: DateTime<Utc>) -> Option<Claims> {
    let data = URL_SAFE_NO_PAD.decode(token.trim()).ok()?;
    if data.len() < 25 + MAC_BYTES {
        return None;
    }
    let (signed, tag) = data.split_at(data.len() - MAC_BYTES);
    mac(secret, signed)?.verify_truncated_left(tag).ok()?;
    if signed[0] != purpose.tag() {
        return None;
    }
    let email_id = Uuid::from_slice(&signed[1..17]).ok()?;
    let expires = i64::from_be_bytes(signed[17..25].try_into().ok()?);
    if now.timestamp() > expires {
        return None;
    }
    let url = (signed.len() > 25)
        .then(|| String::from_utf8(signed[25..].to_vec()).ok())
        .flatten();
    Some(Claims { email_id, url })
}

pub fn tracking_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(TRACKING_TTL_DAYS)
}

pub fn unsubscribe_expiry(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::days(UNSUBSCRIBE_TTL_DAYS)
}

/// The links of one sent email, under the server's public address `base`.
pub fn tracking(base: &str, secret: &[u8], email_id: Uuid, now: DateTime<Utc>, unsubscribe_footer: bool) -> Tracking {
    let (click_base, click_secret) = (base.to_owned(), secret.to_vec());
    Tracking {
        click_url: std::sync::Arc::new(move |url: &str| {
            let token = sign(&click_secret, Purpose::Click, email_id, Some(url), tracking_expiry(now));
            format!("{click_base}/t/c/{token}")
        }),
        open_pixel_url: format!(
            "{base}/t/o/{}",
            sign(secret, Purpose::Open, email_id, None, tracking_expiry(now))
        ),
        unsubscribe_url: format!(
            "{base}/u/{}",
            sign(secret, Purpose::Unsubscribe, email_id, None, unsubscribe_expiry(now))
        ),
        unsubscribe_footer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-test-secret-that-is-long-enough";

    #[test]
    fn a_signed_click_reads_back_with_its_address() {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let token = sign(
            SECRET,
            Purpose::Click,
            id,
            Some("https://example.com/a?b=c"),
            tracking_expiry(now),
        );
        let claims = verify(SECRET, Purpose::Click, &token, now).expect("valid");
        assert_eq!(claims.email_id, id);
        assert_eq!(claims.url.as_deref(), Some("https://example.com/a?b=c"));
    }

    #[test]
    fn a_tampered_token_another_purpose_or_another_key_is_refused() {
        let now = Utc::now();
        let token = sign(
            SECRET,
            Purpose::Click,
            Uuid::now_v7(),
            Some("https://example.com"),
            tracking_expiry(now),
        );
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).expect("base64");
        let last = bytes.len() - MAC_BYTES - 1;
        bytes[last] ^= 1;
        assert!(verify(SECRET, Purpose::Click, &URL_SAFE_NO_PAD.encode(bytes), now).is_none());
        assert!(verify(SECRET, Purpose::Open, &token, now).is_none());
        assert!(verify(b"another-secret-entirely-0123456789", Purpose::Click, &token, now).is_none());
        assert!(verify(SECRET, Purpose::Click, "not-a-token", now).is_none());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let now = Utc::now();
        let token = sign(SECRET, Purpose::Open, Uuid::now_v7(), None, now - Duration::seconds(1));
        assert!(verify(SECRET, Purpose::Open, &token, now).is_none());
    }
}
