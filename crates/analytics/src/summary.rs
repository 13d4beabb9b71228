//! The headline figures of a period.

use crate::read::{self, ClosedTotal, Grouping};
use crate::scope::{Scope, Window};
use crate::win_loss::rate;
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::Summary;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<Summary, CoreError> {
    let (closed, new_deals, done, currency) = futures::try_join!(
        read::closed_totals(kite, scope, window, &[Grouping::Owner], true),
        read::deals_created(kite, scope, window),
        read::activities_by_owner(kite, scope, window, true),
        read::main_currency(kite, scope),
    )?;
    let activities_done = done.iter().map(|a| u64::try_from(a.n).unwrap_or(0)).sum();
    Ok(summary(&closed, new_deals, activities_done, currency))
}

/// From the period's closed deals totalled by owner.
pub(crate) fn summary(
    closed: &[ClosedTotal],
    new_deals: u64,
    activities_done: u64,
    currency: Option<String>,
) -> Summary {
    let count = |won: bool| closed.iter().filter(|t| t.won == won).map(|t| t.count).sum::<u64>();
    let (deals_won, deals_lost) = (count(true), count(false));
    let in_currency = closed
        .iter()
        .filter(|t| t.won && Some(&t.currency) == currency.as_ref());
    let (won_minor, won_in_currency) = in_currency.fold((0, 0), |(minor, n), t| (minor + t.minor, n + t.count));
    let cycle_seconds: f64 = closed.iter().filter(|t| t.won).map(|t| t.cycle_seconds).sum();
    Summary {
        currency,
        won_minor,
        deals_won,
        deals_lost,
        win_rate: rate(deals_won, deals_won + deals_lost),
        new_deals,
        avg_won_minor: (won_in_currency > 0).then(|| won_minor / won_in_currency as i64),
        cycle_days: (deals_won > 0).then(|| cycle_seconds / 86_400.0 / deals_won as f64),
        activities_done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::win_loss::tests::{closed, day, totals};
    use kite_shared::analytics::relative_change;
    use kite_shared::analytics::reports::MetricKey;

    #[test]
    fn money_figures_count_only_the_chosen_currency() {
        let at = day(2026, 3, 2);
        let deals = [
            closed(1, true, 1000, "EUR", at, 10),
            closed(1, true, 3000, "EUR", at, 30),
            closed(1, true, 7777, "USD", at, 20),
            closed(1, false, 500, "EUR", at, 1),
        ];
        let summary = summary(&totals(&deals, Grouping::Owner), 9, 4, Some("EUR".into()));
        assert_eq!((summary.won_minor, summary.avg_won_minor), (4000, Some(2000)));
        assert_eq!(
            (summary.deals_won, summary.deals_lost, summary.win_rate),
            (3, 1, Some(0.75))
        );
        assert_eq!(summary.cycle_days, Some(20.0));
        assert_eq!(summary.metric(MetricKey::NewDeals), Some(9.0));
    }

    #[test]
    fn a_period_is_compared_with_the_one_before_as_a_relative_change() {
        let at = day(2026, 3, 2);
        let now = summary(
            &totals(&[closed(1, true, 1500, "EUR", at, 1)], Grouping::Owner),
            0,
            0,
            Some("EUR".into()),
        );
        let before = summary(
            &totals(&[closed(1, true, 1000, "EUR", at, 1)], Grouping::Owner),
            0,
            0,
            Some("EUR".into()),
        );
        let change = relative_change(
            now.metric(MetricKey::WonValue).unwrap_or_default(),
            before.metric(MetricKey::WonValue).unwrap_or_default(),
        );
        assert_eq!(change, Some(0.5));
    }
}
