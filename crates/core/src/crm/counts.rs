//! List totals and board sums without recomputing them on every request. An exact
//! `count(*)` over 100k rows on every page caps a list at a few hundred requests per
//! second; instead a figure is computed once per filter and kept until that
//! organization's records of that kind change in this process, or for at most `TTL`
//! (other processes may have written).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

const TTL: Duration = Duration::from_secs(30);
const MAX_ENTRIES: usize = 10_000;

/// The kind of figures drawn from records of every kind (the analytics reports): a
/// write to any kind makes them stale.
pub const DERIVED: &str = "derived";

/// (organization, kind of record, filter)
type Key = (Uuid, &'static str, String);

#[derive(Default)]
pub struct CountCache {
    /// When each figure was computed, and the figure.
    entries: Mutex<HashMap<Key, (Instant, serde_json::Value)>>,
    /// One lock per figure being computed, so that the first requests for a filter wait
    /// for one count instead of all running their own.
    computing: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
}

impl CountCache {
    pub fn get(&self, organization: Uuid, kind: &'static str, filter: &str) -> Option<u64> {
        self.get_value(organization, kind, filter)?.as_u64()
    }

    pub fn put(&self, organization: Uuid, kind: &'static str, filter: String, total: u64) {
        self.put_value(organization, kind, filter, total.into());
    }

    /// Any figure derived from `kind`'s records, e.g. the board's sums per stage.
    pub fn get_value(&self, organization: Uuid, kind: &'static str, key: &str) -> Option<serde_json::Value> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(&(organization, kind, key.to_owned()))
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, value)| value.clone())
    }

    pub fn put_value(&self, organization: Uuid, kind: &'static str, filter: String, total: serde_json::Value) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, (at, _)| at.elapsed() < TTL);
            }
            if entries.len() < MAX_ENTRIES {
                entries.insert((organization, kind, filter), (Instant::now(), total));
            }
        }
    }

    /// The figure for `filter`, computed by `compute` only when no fresh one is cached and
    /// by one caller at a time.
    pub async fn count_once<F, Fut, E>(
        &self,
        organization: Uuid,
        kind: &'static str,
        filter: String,
        compute: F,
    ) -> Result<u64, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<u64, E>>,
    {
        let value = self
            .value_once(organization, kind, filter, || async { compute().await.map(Into::into) })
            .await?;
        Ok(value.as_u64().unwrap_or_default())
    }

    /// Any figure, as [`Self::count_once`] computes a count: once per key until stale.
    pub async fn value_once<F, Fut, E>(
        &self,
        organization: Uuid,
        kind: &'static str,
        key: String,
        compute: F,
    ) -> Result<serde_json::Value, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<serde_json::Value, E>>,
    {
        if let Some(value) = self.get_value(organization, kind, &key) {
            return Ok(value);
        }
        let entry = (organization, kind, key.clone());
        let lock = match self.computing.lock() {
            Ok(mut computing) => {
                if computing.len() >= MAX_ENTRIES {
                    computing.clear();
                }
                Some(computing.entry(entry).or_default().clone())
            }
            Err(_) => None,
        };
        let _turn = match &lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        if let Some(value) = self.get_value(organization, kind, &key) {
            return Ok(value);
        }
        let value = compute().await?;
        self.put_value(organization, kind, key, value.clone());
        Ok(value)
    }

    /// A write to `kind` in `organization` makes its totals stale, and every figure
    /// [`DERIVED`] from all its records.
    pub fn invalidate(&self, organization: Uuid, kind: &'static str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(org, k, _), _| !(*org == organization && (*k == kind || *k == DERIVED)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_first_requests_count_once() {
        let cache = Arc::new(CountCache::default());
        let runs = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (cache, runs) = (cache.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .count_once(Uuid::nil(), "contacts", "q=".into(), || async {
                        runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        Ok::<u64, ()>(42)
                    })
                    .await
            }));
        }
        for task in tasks {
            assert_eq!(task.await.ok().and_then(Result::ok), Some(42));
        }
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn a_write_makes_only_that_kinds_totals_stale() {
        let cache = CountCache::default();
        let org = Uuid::nil();
        cache.put(org, "contacts", "q=a".into(), 5);
        cache.put(org, "deals", String::new(), 7);
        assert_eq!(cache.get(org, "contacts", "q=a"), Some(5));
        cache.invalidate(org, "contacts");
        assert_eq!(cache.get(org, "contacts", "q=a"), None);
        assert_eq!(cache.get(org, "deals", ""), Some(7));
    }

    #[test]
    fn a_write_to_any_kind_makes_derived_figures_stale_in_that_organization_only() {
        let cache = CountCache::default();
        let (org, other) = (Uuid::nil(), Uuid::max());
        cache.put_value(org, DERIVED, "conversion".into(), 1.into());
        cache.put_value(other, DERIVED, "conversion".into(), 2.into());
        cache.invalidate(org, "activities");
        assert_eq!(cache.get_value(org, DERIVED, "conversion"), None);
        assert_eq!(cache.get_value(other, DERIVED, "conversion"), Some(2.into()));
    }
}
