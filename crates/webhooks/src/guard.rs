//! Server-side request forgery guard: a webhook URL may only reach public addresses.
//! The host is resolved here, every address it resolves to is checked (a name that
//! answers one public and one private address is refused), and the request is then
//! pinned to the checked addresses so a second lookup cannot answer differently.

use reqwest::Url;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Which addresses outbound requests may reach.
#[derive(Clone, Copy, Debug, Default)]
pub struct AddressPolicy {
    /// Loopback (127.0.0.0/8, ::1) is allowed: local development and tests only.
    pub allow_loopback: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the URL must start with http:// or https://")]
    Scheme,
    #[error("the URL has no host")]
    NoHost,
    #[error("the host could not be resolved")]
    Unresolvable,
    #[error("the host resolves to {address}, a {kind} address, which webhooks may not reach")]
    Address { address: IpAddr, kind: &'static str },
}

/// Why `ip` may not be reached, if it may not.
pub fn refused_kind(ip: IpAddr, policy: AddressPolicy) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4, policy),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => refused_v4(v4, policy),
            None => refused_v6(v6, policy),
        },
    }
}

fn refused_v4(ip: Ipv4Addr, policy: AddressPolicy) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        return (!policy.allow_loopback).then_some("loopback");
    }
    if ip.is_link_local() {
        // 169.254.169.254 is every cloud's metadata service.
        return Some("link-local or metadata");
    }
    if ip.is_private() {
        return Some("private");
    }
    if a == 100 && (64..128).contains(&b) {
        return Some("shared (carrier-grade NAT)");
    }
    if ip.is_unspecified() || a == 0 {
        return Some("unspecified");
    }
    if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        return Some("broadcast, multicast or reserved");
    }
    if ip.is_documentation() || (a == 198 && (b == 18 || b == 19)) {
        return Some("documentation or benchmarking");
    }
    None
}

fn refused_v6(ip: Ipv6Addr, policy: AddressPolicy) -> Option<&'static str> {
    let first = ip.segments()[0];
    if ip.is_loopback() {
        return (!policy.allow_loopback).then_some("loopback");
    }
    if ip.is_unspecified() {
        return Some("unspecified");
    }
    if first & 0xffc0 == 0xfe80 {
        return Some("link-local or metadata");
    }
    if first & 0xfe00 == 0xfc00 {
        return Some("private");
    }
    if ip.is_multicast() {
        return Some("broadcast, multicast or reserved");
    }
    if first == 0x2001 && ip.segments()[1] == 0x0db8 {
        return Some("documentation or benchmarking");
    }
    None
}

/// Checks the URL's form only (scheme and host), without a lookup.
pub fn check_form(url: &str) -> Result<Url, Refused> {
    let url = Url::parse(url).map_err(|_| Refused::Scheme)?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Refused::Scheme);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Refused::NoHost);
    }
    Ok(url)
}

/// The addresses `url` may be sent to, after resolving its host; refused when any of
/// them is not allowed.
pub async fn resolve(url: &Url, policy: AddressPolicy) -> Result<Vec<SocketAddr>, Refused> {
    let host = url.host_str().ok_or(Refused::NoHost)?;
    let port = url.port_or_known_default().ok_or(Refused::Scheme)?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|_| Refused::Unresolvable)?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(Refused::Unresolvable);
    }
    for address in &addresses {
        if let Some(kind) = refused_kind(address.ip(), policy) {
            return Err(Refused::Address {
                address: address.ip(),
                kind,
            });
        }
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(ip: &str) -> Option<&'static str> {
        refused_kind(ip.parse().expect("an address"), AddressPolicy::default())
    }

    #[test]
    fn private_link_local_metadata_and_loopback_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
        ] {
            assert!(kind(ip).is_some(), "{ip} should be refused");
        }
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert_eq!(kind(ip), None, "{ip} is public");
        }
    }

    #[test]
    fn loopback_is_allowed_only_when_the_policy_says_so() {
        let local = AddressPolicy { allow_loopback: true };
        assert_eq!(refused_kind("127.0.0.1".parse().expect("ip"), local), None);
        assert_eq!(refused_kind("::1".parse().expect("ip"), local), None);
        assert!(
            refused_kind("10.0.0.1".parse().expect("ip"), local).is_some(),
            "private stays refused"
        );
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_pass_the_form_check() {
        assert!(check_form("https://hooks.example.com/kite").is_ok());
        assert_eq!(check_form("ftp://example.com/").err(), Some(Refused::Scheme));
        assert_eq!(check_form("file:///etc/passwd").err(), Some(Refused::Scheme));
        assert_eq!(check_form("not a url").err(), Some(Refused::Scheme));
    }

    #[tokio::test]
    async fn a_name_that_resolves_to_loopback_is_refused_when_loopback_is_not_allowed() {
        let url = check_form("http://localhost:9/hook").expect("form");
        let refused = resolve(&url, AddressPolicy::default()).await;
        assert!(
            matches!(refused, Err(Refused::Address { kind: "loopback", .. })),
            "{refused:?}"
        );
        assert!(resolve(&url, AddressPolicy { allow_loopback: true }).await.is_ok());
    }
}
