//! Deals: the pipeline board with drag and drop, a deal's page, and the form both use.

mod board;
mod card;
mod column;
mod columns;
mod detail;
mod drag;
mod form;
mod history;
mod money;
mod move_dialog;
mod mover;
mod stage_bar;

pub use board::DealBoard;
pub use detail::DealDetail;
