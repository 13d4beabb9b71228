//! Spreads of durations from the order statistics SQL picks out ([`Sql::ranked`]): the
//! median and the linear 90th percentile are interpolated from the values at the sorted
//! positions around them, as a linear quantile is (numpy's and polars' default).
//!
//! [`Sql::ranked`]: crate::sql::Sql::ranked

use sea_orm::FromQueryResult;
use std::collections::BTreeMap;
use uuid::Uuid;

/// One row of [`Sql::ranked`](crate::sql::Sql::ranked): a group's figures and one of
/// its values at a sorted position (from 0).
#[derive(Clone, Debug, PartialEq, FromQueryResult)]
pub struct Ranked {
    pub grp: Uuid,
    pub part: i64,
    pub n: i64,
    pub total: f64,
    pub dropped: i64,
    pub at_rank: i64,
    pub seconds: f64,
}

/// Median, mean and 90th percentile of one group's values.
#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    pub n: u64,
    pub median: f64,
    pub mean: f64,
    pub p90: f64,
}

/// One group's spread of days, and how many of its rows were dropped.
#[derive(Clone, Debug, PartialEq)]
pub struct Durations {
    pub spread: Spread,
    pub dropped: u64,
}

impl Durations {
    /// The share of the group's rows that were dropped.
    pub fn drop_off(&self) -> Option<f64> {
        (self.spread.n > 0).then(|| self.dropped as f64 / self.spread.n as f64)
    }
}

/// A group's first row (its figures) and its days by sorted position.
type Positions<'a> = (&'a Ranked, BTreeMap<i64, f64>);

/// The durations of each group and part, in days.
pub fn durations(rows: &[Ranked]) -> BTreeMap<(Uuid, i64), Durations> {
    let mut groups: BTreeMap<(Uuid, i64), Positions> = BTreeMap::new();
    for row in rows {
        groups
            .entry((row.grp, row.part))
            .or_insert_with(|| (row, BTreeMap::new()))
            .1
            .insert(row.at_rank, row.seconds / 86_400.0);
    }
    groups
        .into_iter()
        .filter_map(|(key, (first, days))| {
            let n = first.n;
            let at = |rank: i64| days.get(&rank).copied();
            let median = (at((n - 1) / 2)? + at(n / 2)?) / 2.0;
            // p90 sits at 0.9 × (n − 1): between the ranks below and above, a tenth at a time.
            let (below, above) = (at(9 * (n - 1) / 10)?, at((9 * (n - 1) + 9) / 10)?);
            let p90 = below + (above - below) * ((9 * (n - 1)) % 10) as f64 / 10.0;
            let durations = Durations {
                spread: Spread {
                    n: u64::try_from(n).ok()?,
                    median,
                    mean: first.total / 86_400.0 / n as f64,
                    p90,
                },
                dropped: u64::try_from(first.dropped).unwrap_or(0),
            };
            Some((key, durations))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows SQL hands over for `days`, sorted, of group 1.
    fn ranked(days: &[f64], dropped: i64) -> Vec<Ranked> {
        let n = days.len() as i64;
        let total: f64 = days.iter().sum::<f64>() * 86_400.0;
        let wanted = [(n - 1) / 2, n / 2, 9 * (n - 1) / 10, (9 * (n - 1) + 9) / 10];
        days.iter()
            .enumerate()
            .filter(|(i, _)| wanted.contains(&(*i as i64)))
            .map(|(i, d)| Ranked {
                grp: Uuid::from_u128(1),
                part: 1,
                n,
                total,
                dropped,
                at_rank: i as i64,
                seconds: d * 86_400.0,
            })
            .collect()
    }

    #[test]
    fn the_median_mean_and_linear_90th_percentile_come_from_the_ranks_around_them() {
        let groups = durations(&ranked(&[1.0, 2.0, 3.0, 4.0, 10.0], 2));
        let group = &groups[&(Uuid::from_u128(1), 1)];
        // p90 of 1, 2, 3, 4, 10: position 0.9 × 4 = 3.6, so 4 + 0.6 × (10 − 4).
        assert_eq!((group.spread.n, group.spread.median, group.spread.mean), (5, 3.0, 4.0));
        assert!((group.spread.p90 - 7.6).abs() < 1e-9);
        assert_eq!(group.drop_off(), Some(0.4));
    }

    #[test]
    fn an_even_group_has_the_mean_of_its_two_middle_values_as_median() {
        let groups = durations(&ranked(&[1.0, 2.0, 4.0, 8.0], 0));
        let group = &groups[&(Uuid::from_u128(1), 1)];
        // p90 at 0.9 × 3 = 2.7: 4 + 0.7 × (8 − 4).
        assert_eq!(group.spread.median, 3.0);
        assert!((group.spread.p90 - 6.8).abs() < 1e-9);
    }

    #[test]
    fn a_group_of_one_is_its_own_spread() {
        let groups = durations(&ranked(&[5.0], 0));
        let group = &groups[&(Uuid::from_u128(1), 1)];
        assert_eq!(
            (group.spread.median, group.spread.mean, group.spread.p90),
            (5.0, 5.0, 5.0)
        );
        assert_eq!(group.drop_off(), Some(0.0));
    }
}
