//! Which address a request comes from. The TCP peer, unless the peer is a proxy the
//! operator trusts (`KITE_TRUSTED_PROXIES`): then the nearest address in
//! `X-Forwarded-For` that is not one of those proxies, since a client can write
//! anything into the header but only the proxies append to it.

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::Arc;

#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

#[derive(Debug, thiserror::Error)]
#[error("KITE_TRUSTED_PROXIES: `{0}` is not an address or a network such as 10.0.0.0/8")]
pub struct BadProxy(String);

impl TrustedProxies {
    /// A comma-separated list of addresses and networks; empty trusts none.
    pub fn parse(list: &str) -> Result<Self, BadProxy> {
        let networks = list
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| BadProxy(item.to_owned()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(Arc::new(networks)))
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(&address))
    }

    /// The client's address for a request from `peer` with these headers.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        // From the nearest hop outwards; when every hop is a proxy, the farthest one.
        Some(
            hops.iter()
                .rev()
                .find(|hop| !self.trusts(**hop))
                .or(hops.first())
                .copied()
                .unwrap_or(peer),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &forwarded("198.51.100.1")),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5").expect("list");
        // The client claimed 1.2.3.4 itself; the proxy saw 198.51.100.7 and appended it.
        let headers = forwarded("1.2.3.4, 198.51.100.7, 10.0.0.3");
        assert_eq!(proxies.client(ip("192.168.1.5"), &headers), ip("198.51.100.7"));
        // A request straight from the internet keeps its own address, header or not.
        assert_eq!(proxies.client(ip("203.0.113.9"), &headers), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("10.0.0.3"), &HeaderMap::new()), ip("10.0.0.3"));
    }

    #[test]
    fn a_proxy_list_that_does_not_parse_names_the_bad_item() {
        let error = TrustedProxies::parse("10.0.0.0/8, not-an-ip").expect_err("bad item");
        assert!(error.to_string().contains("`not-an-ip`"), "{error}");
    }
}
