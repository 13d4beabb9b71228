//! The headers every response carries so a browser confines what Kite's pages may do:
//! a Content-Security-Policy per kind of page, no sniffing, no framing, no referrers to
//! other sites, and HSTS once Kite is served over TLS.

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use base64::Engine;
use sha2::{Digest, Sha256};

/// Pages Kite renders itself (unsubscribe, link errors): inline styles, a form that posts
/// back, nothing else. JSON and files never run anything, so they get it too.
const SERVER_PAGES: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Swagger UI: its own scripts and styles, and calls to the API it documents.
const API_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// The SPA's policy for the shell `html`: scripts only from Kite itself, plus the inline
/// scripts of this very build by their hash (the theme snippet, Trunk's loader), and the
/// compiling of WebAssembly. Styles may be inline: Leptos and ECharts set style attributes.
pub fn spa_policy(html: &str) -> String {
    let hashes: String = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self' 'unsafe-inline'; \
img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'"
    )
}

/// The bodies of the `<script>` elements without a `src`, exactly as the browser hashes them.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find("<script")?;
            let after_tag = &rest[start..];
            let open_end = after_tag.find('>')?;
            let attributes = &after_tag[..open_end];
            let body = &after_tag[open_end + 1..];
            let close = body.find("</script>")?;
            rest = &body[close..];
            if !attributes.contains("src=") {
                return Some(&body[..close]);
            }
        }
    })
}

/// Adds what the response does not set itself. `https` is whether Kite's public URL is.
pub fn apply(headers: &mut HeaderMap, path: &str, https: bool) {
    let policy = if path == "/api-docs" || path.starts_with("/api-docs/") {
        API_DOCS
    } else {
        SERVER_PAGES
    };
    let defaults = [
        (header::CONTENT_SECURITY_POLICY, policy),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spa_policy_allows_exactly_the_shells_inline_scripts() {
        let html = "<head><script>let a = 1;</script><script type=\"module\">import x from '/x.js';</script>\
<script src=\"/echarts.min.js\"></script></head>";
        let policy = spa_policy(html);
        let hash = |s: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()));
        assert!(policy.contains(&format!("'sha256-{}'", hash("let a = 1;"))), "{policy}");
        assert!(
            policy.contains(&format!("'sha256-{}'", hash("import x from '/x.js';"))),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 2, "{policy}");
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"), "{policy}");
    }
}
