//! The range of a forecast: each open deal is won or lost at random with its calibrated
//! chance, many times over, and the 10th and 90th percentiles of what closes are kept.
//! The draws are seeded, so the same pipeline always shows the same range.

/// Enough draws for steady percentiles; a whole 50 000-deal pipeline still simulates in
/// tens of milliseconds.
const DRAWS: usize = 400;
const SEED: u64 = 0x6b69_7465;

/// One open deal: which cell (month and currency) it counts in, its chance, its value.
pub struct Draw {
    pub cell: usize,
    pub chance: f64,
    pub value_minor: i64,
}

/// The 10th and 90th percentiles of each of `cells` cells' totals.
pub fn range(deals: &[Draw], cells: usize) -> Vec<(i64, i64)> {
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut totals = vec![vec![0i64; DRAWS]; cells];
    for draw in 0..DRAWS {
        for deal in deals {
            if rng.f64() < deal.chance
                && let Some(cell) = totals.get_mut(deal.cell)
            {
                cell[draw] += deal.value_minor;
            }
        }
    }
    totals
        .into_iter()
        .map(|mut sums| {
            sums.sort_unstable();
            let at = |p: f64| sums[((DRAWS - 1) as f64 * p).round() as usize];
            (at(0.1), at(0.9))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certain_deals_have_no_range_and_coin_flips_spread_around_half() {
        let sure = [Draw {
            cell: 0,
            chance: 1.0,
            value_minor: 500,
        }];
        assert_eq!(range(&sure, 1), vec![(500, 500)]);

        let flips: Vec<Draw> = (0..100)
            .map(|_| Draw {
                cell: 0,
                chance: 0.5,
                value_minor: 100,
            })
            .collect();
        let (low, high) = range(&flips, 1)[0];
        // 100 fair coins: 50 ± 5 wins; the 10th and 90th percentiles sit near ±6.4.
        assert!((4_000..=4_800).contains(&low), "{low}");
        assert!((5_200..=6_000).contains(&high), "{high}");
        assert_eq!(range(&flips, 2)[1], (0, 0), "a cell without deals");
    }
}
