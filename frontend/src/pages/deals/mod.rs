//! Deals: the pipeline board with drag and drop, the same deals as a table, a deal's
//! page, and the form they use.

mod approval_dialog;
mod board;
mod card;
mod column;
mod columns;
mod detail;
mod drag;
mod form;
mod history;
mod list;
mod money;
mod move_dialog;
mod mover;
mod stage_bar;
mod status;
mod view_switch;

pub use board::DealBoard;
pub use detail::DealDetail;
pub use list::DealList;
