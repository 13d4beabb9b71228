//! The team's results, owner by owner.

use crate::read::{self, ClosedDeal, OwnerCount};
use crate::scope::{Scope, Window};
use crate::win_loss::{currency_totals, rate};
use crate::{frame, frame_error, on_blocking_pool};
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::{LeaderRow, Leaderboard};
use kite_shared::crm::money::CurrencyTotal;
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<Leaderboard, CoreError> {
    let closed = read::closed(kite, scope, window, read::Contacts::Skip).await?;
    let activities = read::activities_by_owner(kite, scope, window, false).await?;
    let names = read::user_names(kite, scope.organization).await?;
    let currency = read::main_currency(kite, scope).await?;
    on_blocking_pool(move || leaderboard(&closed, &activities, &names, currency)).await
}

pub(crate) fn leaderboard(
    closed: &[ClosedDeal],
    activities: &[OwnerCount],
    names: &HashMap<Uuid, String>,
    currency: Option<String>,
) -> Result<Leaderboard, CoreError> {
    let key = |owner: Option<Uuid>| owner.map(|o| o.to_string()).unwrap_or_default();
    let tallies: HashMap<String, (u64, u64)> = frame::tally_by(
        closed.iter().map(|d| key(d.owner_id)).collect(),
        closed.iter().map(ClosedDeal::won).collect(),
    )
    .map_err(frame_error)?
    .into_iter()
    .map(|t| (t.key, (t.yes, t.no)))
    .collect();
    let won: Vec<ClosedDeal> = closed.iter().filter(|d| d.won()).cloned().collect();
    let values = currency_totals(won.iter().map(|d| key(d.owner_id)).collect(), &won)?;
    let cycles: HashMap<String, f64> = frame::spread_by(
        won.iter().map(|d| key(d.owner_id)).collect(),
        won.iter().map(ClosedDeal::cycle_days).collect(),
    )
    .map_err(frame_error)?
    .into_iter()
    .map(|s| (s.key, s.mean))
    .collect();
    let logged: HashMap<String, u64> = activities
        .iter()
        .map(|a| (key(a.owner_id), u64::try_from(a.n).unwrap_or(0)))
        .collect();
    let owners: BTreeSet<Option<Uuid>> = closed
        .iter()
        .map(|d| d.owner_id)
        .chain(activities.iter().map(|a| a.owner_id))
        .collect();
    let in_currency = |totals: &[CurrencyTotal]| {
        currency
            .as_deref()
            .and_then(|c| totals.iter().find(|t| t.currency == c))
            .map_or(0, |t| t.minor)
    };
    let mut rows: Vec<LeaderRow> = owners
        .into_iter()
        .map(|owner| {
            let k = key(owner);
            let (deals_won, deals_lost) = tallies.get(&k).copied().unwrap_or((0, 0));
            let won_value = values.get(&k).cloned().unwrap_or_default();
            LeaderRow {
                owner_id: owner,
                name: match owner {
                    Some(id) => names.get(&id).cloned().unwrap_or_else(|| "Former user".into()),
                    None => "No owner".into(),
                },
                rank: 0,
                won_minor: in_currency(&won_value),
                won_value,
                deals_won,
                deals_lost,
                win_rate: rate(deals_won, deals_won + deals_lost),
                activities: logged.get(&k).copied().unwrap_or(0),
                avg_cycle_days: cycles.get(&k).copied(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.won_minor
            .cmp(&a.won_minor)
            .then(b.deals_won.cmp(&a.deals_won))
            .then_with(|| a.name.cmp(&b.name))
    });
    // Competition ranking: tied owners share a rank and the next one skips it.
    for i in 0..rows.len() {
        rows[i].rank =
            if i > 0 && (rows[i].won_minor, rows[i].deals_won) == (rows[i - 1].won_minor, rows[i - 1].deals_won) {
                rows[i - 1].rank
            } else {
                i as u32 + 1
            };
    }
    let team_values = currency_totals(vec![String::new(); won.len()], &won)?
        .remove("")
        .unwrap_or_default();
    let deals_won = won.len() as u64;
    let deals_lost = closed.len() as u64 - deals_won;
    let team_cycle = frame::spread_by(
        vec![String::new(); won.len()],
        won.iter().map(ClosedDeal::cycle_days).collect(),
    )
    .map_err(frame_error)?
    .first()
    .map(|s| s.mean);
    let team = LeaderRow {
        owner_id: None,
        name: "Team".into(),
        rank: 0,
        won_minor: in_currency(&team_values),
        won_value: team_values,
        deals_won,
        deals_lost,
        win_rate: rate(deals_won, deals_won + deals_lost),
        activities: activities.iter().map(|a| u64::try_from(a.n).unwrap_or(0)).sum(),
        avg_cycle_days: team_cycle,
    };
    Ok(Leaderboard { currency, rows, team })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::win_loss::tests::{closed, day};

    fn names() -> HashMap<Uuid, String> {
        [(1, "Ann"), (2, "Bob"), (3, "Cleo"), (4, "Dan")]
            .into_iter()
            .map(|(n, name)| (Uuid::from_u128(n), name.to_owned()))
            .collect()
    }

    #[test]
    fn owners_are_ranked_by_value_won_in_the_currency_and_ties_share_a_rank() {
        let at = day(2026, 3, 2);
        let deals = [
            closed(1, true, 1000, "EUR", at, 10),
            closed(1, true, 9999, "USD", at, 10),
            closed(2, true, 3000, "EUR", at, 20),
            closed(3, true, 1000, "EUR", at, 30),
            closed(3, false, 500, "EUR", at, 30),
            closed(4, false, 800, "EUR", at, 5),
        ];
        let activities = [OwnerCount {
            owner_id: Some(Uuid::from_u128(4)),
            n: 7,
        }];
        let board = leaderboard(&deals, &activities, &names(), Some("EUR".into())).expect("report");
        let table: Vec<(u32, &str, i64, u64)> = board
            .rows
            .iter()
            .map(|r| (r.rank, r.name.as_str(), r.won_minor, r.deals_won))
            .collect();
        // Ann's USD does not count towards the EUR ranking, and is not added to it.
        assert_eq!(
            table,
            vec![
                (1, "Bob", 3000, 1),
                (2, "Ann", 1000, 2),
                (3, "Cleo", 1000, 1),
                (4, "Dan", 0, 0)
            ]
        );
        assert_eq!(board.rows[1].won_value.len(), 2);
        assert_eq!(board.rows[2].win_rate, Some(0.5));
        assert_eq!(board.rows[3].activities, 7);
        assert_eq!(board.team.won_minor, 5000);
        assert_eq!((board.team.deals_won, board.team.deals_lost), (4, 2));
        assert_eq!(board.team.avg_cycle_days, Some(17.5));
    }

    #[test]
    fn owners_with_equal_value_and_deals_share_a_rank() {
        let at = day(2026, 3, 2);
        let deals = [
            closed(1, true, 1000, "EUR", at, 10),
            closed(2, true, 1000, "EUR", at, 10),
            closed(3, true, 10, "EUR", at, 10),
        ];
        let board = leaderboard(&deals, &[], &names(), Some("EUR".into())).expect("report");
        let ranks: Vec<(u32, &str)> = board.rows.iter().map(|r| (r.rank, r.name.as_str())).collect();
        assert_eq!(ranks, vec![(1, "Ann"), (1, "Bob"), (3, "Cleo")]);
    }
}
