//! Each API key's own request budget (governor's GCRA, one limiter per key, sized by the
//! key's `rate_limit_per_minute`), counted apart from the per-address limit. Budgets are
//! kept per process: with several instances a key may make its limit on each.

use crate::error::ApiError;
use actix_governor::governor::clock::{Clock, DefaultClock};
use actix_governor::governor::middleware::StateInformationMiddleware;
use actix_governor::governor::state::{InMemoryState, NotKeyed};
use actix_governor::governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

type Limiter = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

/// What the `RateLimit-*` headers of a keyed request say.
#[derive(Clone, Copy, Debug)]
pub struct KeyBudget {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the whole budget is back.
    pub reset_secs: u64,
}

#[derive(Default)]
pub struct KeyLimits {
    limiters: Mutex<HashMap<Uuid, (u32, Arc<Limiter>)>>,
}

impl KeyLimits {
    fn limiter(&self, key: Uuid, per_minute: NonZeroU32) -> Arc<Limiter> {
        let mut limiters = self.limiters.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match limiters.get(&key) {
            Some((limit, limiter)) if *limit == per_minute.get() => limiter.clone(),
            _ => {
                let limiter = Arc::new(
                    RateLimiter::direct(Quota::per_minute(per_minute)).with_middleware::<StateInformationMiddleware>(),
                );
                limiters.insert(key, (per_minute.get(), limiter.clone()));
                limiter
            }
        }
    }

    /// Spends one request of `key`'s budget, or says how long to wait.
    pub fn spend(&self, key: Uuid, per_minute: u32) -> Result<KeyBudget, (KeyBudget, ApiError)> {
        let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
        let limit = per_minute.get();
        let full_after = |remaining: u32| (u64::from(limit - remaining.min(limit)) * 60).div_ceil(u64::from(limit));
        match self.limiter(key, per_minute).check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Ok(KeyBudget {
                    limit,
                    remaining,
                    reset_secs: full_after(remaining),
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                let retry_after_secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
                Err((
                    KeyBudget {
                        limit,
                        remaining: 0,
                        reset_secs: full_after(0),
                    },
                    ApiError::TooManyRequests { retry_after_secs },
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_own_budget_and_then_waits() {
        let limits = KeyLimits::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        for expected in [2, 1, 0] {
            assert_eq!(limits.spend(a, 3).map(|budget| budget.remaining).ok(), Some(expected));
        }
        assert!(matches!(
            limits.spend(a, 3),
            Err((_, ApiError::TooManyRequests { retry_after_secs })) if retry_after_secs >= 1
        ));
        assert!(limits.spend(b, 3).is_ok(), "another key is not held back");
    }
}
