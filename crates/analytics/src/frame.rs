//! The frame work of every report, in polars: grouping, counting, sums and quantiles.
//! Reports hand in plain columns and get plain rows back, so no polars type leaks out.

use polars::prelude::*;

/// Median, mean and 90th percentile of one group's values.
#[derive(Clone, Debug, PartialEq)]
pub struct Spread {
    pub key: String,
    pub n: u64,
    pub median: f64,
    pub mean: f64,
    pub p90: f64,
}

/// `values` grouped by `keys`, each group's spread; groups in key order.
pub fn spread_by(keys: Vec<String>, values: Vec<f64>) -> PolarsResult<Vec<Spread>> {
    let df = df!("key" => keys, "value" => values)?;
    let out = df
        .lazy()
        .group_by([col("key")])
        .agg([
            col("value").count().cast(DataType::UInt64).alias("n"),
            col("value").median().alias("median"),
            col("value").mean().alias("mean"),
            col("value").quantile(lit(0.9), QuantileMethod::Linear).alias("p90"),
        ])
        .sort(["key"], Default::default())
        .collect()?;
    let key = out.column("key")?.str()?.clone();
    let n = out.column("n")?.u64()?.clone();
    let median = out.column("median")?.f64()?.clone();
    let mean = out.column("mean")?.f64()?.clone();
    let p90 = out.column("p90")?.f64()?.clone();
    Ok((0..out.height())
        .map(|i| Spread {
            key: key.get(i).unwrap_or_default().to_owned(),
            n: n.get(i).unwrap_or(0),
            median: median.get(i).unwrap_or(0.0),
            mean: mean.get(i).unwrap_or(0.0),
            p90: p90.get(i).unwrap_or(0.0),
        })
        .collect())
}

/// How many rows of each group are `true` and how many `false`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    pub key: String,
    pub yes: u64,
    pub no: u64,
}

/// Groups by `keys` and counts `flags`; the largest groups first, then by key.
pub fn tally_by(keys: Vec<String>, flags: Vec<bool>) -> PolarsResult<Vec<Tally>> {
    let df = df!("key" => keys, "flag" => flags)?;
    let out = df
        .lazy()
        .group_by([col("key")])
        .agg([
            col("flag").cast(DataType::UInt64).sum().alias("yes"),
            col("flag").count().cast(DataType::UInt64).alias("n"),
        ])
        .sort_by_exprs(
            [col("n"), col("key")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let key = out.column("key")?.str()?.clone();
    let yes = out.column("yes")?.u64()?.clone();
    let n = out.column("n")?.u64()?.clone();
    Ok((0..out.height())
        .map(|i| {
            let yes = yes.get(i).unwrap_or(0);
            Tally {
                key: key.get(i).unwrap_or_default().to_owned(),
                yes,
                no: n.get(i).unwrap_or(0).saturating_sub(yes),
            }
        })
        .collect())
}

/// Sums and counts of `amounts` by (`keys`, `currencies`), in key then currency order.
#[derive(Clone, Debug, PartialEq)]
pub struct Total {
    pub key: String,
    pub currency: String,
    pub sum: i64,
    pub count: u64,
}

pub fn total_by(keys: Vec<String>, currencies: Vec<String>, amounts: Vec<i64>) -> PolarsResult<Vec<Total>> {
    let df = df!("key" => keys, "currency" => currencies, "amount" => amounts)?;
    let out = df
        .lazy()
        .group_by([col("key"), col("currency")])
        .agg([
            col("amount").sum().alias("sum"),
            col("amount").count().cast(DataType::UInt64).alias("count"),
        ])
        .sort(["key", "currency"], Default::default())
        .collect()?;
    let key = out.column("key")?.str()?.clone();
    let currency = out.column("currency")?.str()?.clone();
    let sum = out.column("sum")?.i64()?.clone();
    let count = out.column("count")?.u64()?.clone();
    Ok((0..out.height())
        .map(|i| Total {
            key: key.get(i).unwrap_or_default().to_owned(),
            currency: currency.get(i).unwrap_or_default().to_owned(),
            sum: sum.get(i).unwrap_or(0),
            count: count.get(i).unwrap_or(0),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(list: &[&str]) -> Vec<String> {
        list.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn the_spread_of_a_group_is_its_median_mean_and_linear_90th_percentile() {
        let spread = spread_by(
            keys(&["a", "a", "a", "a", "a", "b"]),
            vec![1.0, 2.0, 3.0, 4.0, 10.0, 5.0],
        )
        .expect("frame");
        // p90 of 1,2,3,4,10: position 0.9 × 4 = 3.6, so 4 + 0.6 × (10 − 4).
        assert_eq!(spread[0].key, "a");
        assert_eq!((spread[0].n, spread[0].median, spread[0].mean), (5, 3.0, 4.0));
        assert!((spread[0].p90 - 7.6).abs() < 1e-9);
        assert_eq!((spread[1].n, spread[1].median, spread[1].p90), (1, 5.0, 5.0));
    }

    #[test]
    fn a_tally_lists_the_largest_groups_first() {
        let tally = tally_by(keys(&["x", "y", "y"]), vec![true, false, true]).expect("frame");
        assert_eq!(
            tally,
            vec![
                Tally {
                    key: "y".into(),
                    yes: 1,
                    no: 1
                },
                Tally {
                    key: "x".into(),
                    yes: 1,
                    no: 0
                }
            ]
        );
    }

    #[test]
    fn totals_are_per_key_and_currency() {
        let totals = total_by(keys(&["x", "x", "y"]), keys(&["EUR", "EUR", "USD"]), vec![5, 7, 9]).expect("frame");
        assert_eq!(totals.len(), 2);
        assert_eq!((totals[0].sum, totals[0].count), (12, 2));
        assert_eq!((totals[1].currency.as_str(), totals[1].sum), ("USD", 9));
    }

    #[test]
    fn no_rows_make_no_groups() {
        assert!(spread_by(Vec::new(), Vec::new()).expect("frame").is_empty());
    }
}
