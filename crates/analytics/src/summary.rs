//! The headline figures of a period.

use crate::read::{self, ClosedDeal};
use crate::scope::{Scope, Window};
use crate::win_loss::rate;
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::Summary;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<Summary, CoreError> {
    let closed = read::closed(kite, scope, window, read::Contacts::Skip).await?;
    let new_deals = read::deals_created(kite, scope, window).await?;
    let done = read::activities_by_owner(kite, scope, window, true).await?;
    let currency = read::main_currency(kite, scope).await?;
    let activities_done = done.iter().map(|a| u64::try_from(a.n).unwrap_or(0)).sum();
    Ok(summary(&closed, new_deals, activities_done, currency))
}

pub(crate) fn summary(
    closed: &[ClosedDeal],
    new_deals: u64,
    activities_done: u64,
    currency: Option<String>,
) -> Summary {
    let won: Vec<&ClosedDeal> = closed.iter().filter(|d| d.won()).collect();
    let in_currency: Vec<i64> = won
        .iter()
        .filter(|d| Some(&d.currency) == currency.as_ref())
        .map(|d| d.value_minor)
        .collect();
    let won_minor: i64 = in_currency.iter().sum();
    let deals_won = won.len() as u64;
    let deals_lost = closed.len() as u64 - deals_won;
    let mut cycles: Vec<f64> = won.iter().map(|d| d.cycle_days()).collect();
    cycles.sort_by(f64::total_cmp);
    Summary {
        currency,
        won_minor,
        deals_won,
        deals_lost,
        win_rate: rate(deals_won, deals_won + deals_lost),
        new_deals,
        avg_won_minor: (!in_currency.is_empty()).then(|| won_minor / in_currency.len() as i64),
        cycle_days: (!cycles.is_empty()).then(|| cycles.iter().sum::<f64>() / cycles.len() as f64),
        activities_done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::win_loss::tests::{closed, day};
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
        let summary = summary(&deals, 9, 4, Some("EUR".into()));
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
        let now = summary(&[closed(1, true, 1500, "EUR", at, 1)], 0, 0, Some("EUR".into()));
        let before = summary(&[closed(1, true, 1000, "EUR", at, 1)], 0, 0, Some("EUR".into()));
        let change = relative_change(
            now.metric(MetricKey::WonValue).unwrap_or_default(),
            before.metric(MetricKey::WonValue).unwrap_or_default(),
        );
        assert_eq!(change, Some(0.5));
    }
}
