//! List totals and board sums without recomputing them on every request. An exact
//! `count(*)` over 100k rows on every page caps a list at a few hundred requests per
//! second; instead a figure is computed once per filter and kept until that
//! organization's records of that kind change in this process, or for at most `TTL`
//! (other processes may have written).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

const TTL: Duration = Duration::from_secs(30);
const MAX_ENTRIES: usize = 10_000;

/// (organization, kind of record, filter) → when computed, and the figure.
type Entries = HashMap<(Uuid, &'static str, String), (Instant, serde_json::Value)>;

#[derive(Default)]
pub struct CountCache {
    entries: Mutex<Entries>,
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

    /// A write to `kind` in `organization` makes its totals stale.
    pub fn invalidate(&self, organization: Uuid, kind: &'static str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(org, k, _), _| !(*org == organization && *k == kind));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
