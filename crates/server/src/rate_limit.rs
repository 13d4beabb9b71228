//! Per-client-IP rate limits (governor's GCRA through actix-governor). A strict one
//! guards the auth routes against password guessing; a looser one covers the whole API.

use crate::client_ip::TrustedProxies;
use crate::config::RateLimit;
use crate::error::ApiError;
use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, SimpleKeyExtractionError, governor::middleware::NoOpMiddleware,
};
use actix_web::dev::ServiceRequest;
use actix_web::{HttpResponse, HttpResponseBuilder, ResponseError};
use std::net::{IpAddr, Ipv4Addr};

#[derive(Clone, Debug)]
pub struct ClientIp(pub TrustedProxies);

impl KeyExtractor for ClientIp {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<Self::Key, Self::KeyExtractionError> {
        // Requests without a peer (in-process test calls) share one bucket.
        Ok(self
            .0
            .client(req.peer_addr().map(|addr| addr.ip()), req.headers())
            .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    }

    fn exceed_rate_limit_response(&self, negative: &NotUntil<QuantaInstant>, _: HttpResponseBuilder) -> HttpResponse {
        let wait = negative.wait_time_from(DefaultClock::default().now());
        let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        ApiError::TooManyRequests {
            retry_after_secs: retry_after_secs.max(1),
        }
        .error_response()
    }
}

pub fn governor(
    limit: &RateLimit,
    proxies: &TrustedProxies,
) -> GovernorConfig<ClientIp, NoOpMiddleware<QuantaInstant>> {
    let mut builder = GovernorConfigBuilder::default();
    builder
        .period(limit.replenish_every.max(std::time::Duration::from_nanos(1)))
        .burst_size(limit.burst.max(1));
    builder
        .key_extractor(ClientIp(proxies.clone()))
        .finish()
        .expect("finish() refuses only a zero period or burst, which the max() calls rule out")
}
