//! Building blocks every page uses.

mod dialog;
mod empty_state;
mod field;
mod pager;
mod skeleton;

pub use dialog::{ConfirmDialog, Modal};
pub use empty_state::EmptyState;
pub use field::{FormAlert, SelectField, TextField};
pub use pager::Pager;
pub use skeleton::{SkeletonRows, SkeletonTable};
