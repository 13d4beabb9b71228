//! The board as the page holds it: the server's columns, changed in place by optimistic
//! moves so a card lands at once and the counts and totals follow it.

use kite_shared::crm::deals::{BoardColumn, DealCard};
use kite_shared::crm::money::{CurrencyTotal, Money};
use kite_shared::crm::pipelines::StageDto;
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct Column {
    pub stage: StageDto,
    pub deals: Vec<DealCard>,
    pub count: u64,
    pub totals: Vec<CurrencyTotal>,
}

impl From<BoardColumn> for Column {
    fn from(c: BoardColumn) -> Self {
        Self {
            stage: c.stage,
            deals: c.deals,
            count: c.count,
            totals: c.totals,
        }
    }
}

fn adjust(totals: &mut Vec<CurrencyTotal>, money: &Money, adding: bool) {
    match totals.iter_mut().find(|t| t.currency == money.currency) {
        Some(total) if adding => {
            total.minor += money.minor;
            total.count += 1;
        }
        Some(total) => {
            total.minor -= money.minor;
            total.count = total.count.saturating_sub(1);
        }
        None if adding => totals.push(CurrencyTotal {
            currency: money.currency.clone(),
            minor: money.minor,
            count: 1,
        }),
        None => {}
    }
    totals.retain(|t| t.count > 0);
}

/// Takes the card out of whichever column shows it.
pub fn take(columns: &mut [Column], deal: Uuid) -> Option<DealCard> {
    for column in columns.iter_mut() {
        if let Some(index) = column.deals.iter().position(|d| d.id == deal) {
            let card = column.deals.remove(index);
            column.count = column.count.saturating_sub(1);
            adjust(&mut column.totals, &card.value, false);
            return Some(card);
        }
    }
    None
}

/// Puts the card right after `after` (first when none) in the stage's column. Won and
/// lost stages have no column: the card just leaves the board.
pub fn put(columns: &mut [Column], stage: Uuid, card: DealCard, after: Option<Uuid>) {
    let Some(column) = columns.iter_mut().find(|c| c.stage.id == stage) else {
        return;
    };
    let index = after
        .and_then(|a| column.deals.iter().position(|d| d.id == a))
        .map_or(0, |i| i + 1);
    adjust(&mut column.totals, &card.value, true);
    column.count += 1;
    column.deals.insert(index, card);
}

/// The column a card is in now.
pub fn stage_of(columns: &[Column], deal: Uuid) -> Option<Uuid> {
    columns
        .iter()
        .find(|c| c.deals.iter().any(|d| d.id == deal))
        .map(|c| c.stage.id)
}
