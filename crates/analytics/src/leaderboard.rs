//! The team's results, owner by owner.

use crate::read::{self, ClosedTotal, Grouping, OwnerCount};
use crate::scope::{Scope, Window};
use crate::win_loss::{currency_totals, rate};
use kite_core::{CoreError, Kite};
use kite_shared::analytics::reports::{LeaderRow, Leaderboard};
use kite_shared::crm::money::CurrencyTotal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use uuid::Uuid;

pub async fn report(kite: &Kite, scope: &Scope, window: Window) -> Result<Leaderboard, CoreError> {
    let (closed, activities, names, currency) = futures::try_join!(
        read::closed_totals(kite, scope, window, &[Grouping::Owner], true),
        read::activities_by_owner(kite, scope, window, false),
        read::user_names(kite, scope.organization),
        read::main_currency(kite, scope),
    )?;
    Ok(leaderboard(&closed, &activities, &names, currency))
}

/// Deals won and lost, and the won deals' summed cycle seconds.
#[derive(Clone, Copy, Default)]
struct Tally {
    won: u64,
    lost: u64,
    cycle_seconds: f64,
}

impl Tally {
    fn add(&mut self, total: &ClosedTotal) {
        if total.won {
            self.won += total.count;
            self.cycle_seconds += total.cycle_seconds;
        } else {
            self.lost += total.count;
        }
    }

    fn avg_cycle_days(&self) -> Option<f64> {
        (self.won > 0).then(|| self.cycle_seconds / 86_400.0 / self.won as f64)
    }
}

/// From the period's closed deals totalled by owner.
pub(crate) fn leaderboard(
    closed: &[ClosedTotal],
    activities: &[OwnerCount],
    names: &HashMap<Uuid, String>,
    currency: Option<String>,
) -> Leaderboard {
    let key = |owner: Option<Uuid>| owner.map(|o| o.to_string()).unwrap_or_default();
    let mut tallies: BTreeMap<Option<Uuid>, Tally> = BTreeMap::new();
    let mut team_tally = Tally::default();
    for total in closed {
        tallies.entry(total.owner()).or_default().add(total);
        team_tally.add(total);
    }
    let won = || closed.iter().filter(|t| t.won);
    let values = currency_totals(won().map(|t| (key(t.owner()), t)));
    let logged: HashMap<Option<Uuid>, u64> = activities
        .iter()
        .map(|a| (a.owner_id, u64::try_from(a.n).unwrap_or(0)))
        .collect();
    let owners: BTreeSet<Option<Uuid>> = tallies
        .keys()
        .copied()
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
            let tally = tallies.get(&owner).copied().unwrap_or_default();
            let won_value = values.get(&key(owner)).cloned().unwrap_or_default();
            LeaderRow {
                owner_id: owner,
                name: match owner {
                    Some(id) => names.get(&id).cloned().unwrap_or_else(|| "Former user".into()),
                    None => "No owner".into(),
                },
                rank: 0,
                won_minor: in_currency(&won_value),
                won_value,
                deals_won: tally.won,
                deals_lost: tally.lost,
                win_rate: rate(tally.won, tally.won + tally.lost),
                activities: logged.get(&owner).copied().unwrap_or(0),
                avg_cycle_days: tally.avg_cycle_days(),
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
    let team_values = currency_totals(won().map(|t| ("", t))).remove("").unwrap_or_default();
    let team = LeaderRow {
        owner_id: None,
        name: "Team".into(),
        rank: 0,
        won_minor: in_currency(&team_values),
        won_value: team_values,
        deals_won: team_tally.won,
        deals_lost: team_tally.lost,
        win_rate: rate(team_tally.won, team_tally.won + team_tally.lost),
        activities: activities.iter().map(|a| u64::try_from(a.n).unwrap_or(0)).sum(),
        avg_cycle_days: team_tally.avg_cycle_days(),
    };
    Leaderboard { currency, rows, team }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::win_loss::tests::{closed, day, totals};

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
        let board = leaderboard(
            &totals(&deals, Grouping::Owner),
            &activities,
            &names(),
            Some("EUR".into()),
        );
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
        let board = leaderboard(&totals(&deals, Grouping::Owner), &[], &names(), Some("EUR".into()));
        let ranks: Vec<(u32, &str)> = board.rows.iter().map(|r| (r.rank, r.name.as_str())).collect();
        assert_eq!(ranks, vec![(1, "Ann"), (1, "Bob"), (3, "Cleo")]);
    }
}
