//! Building blocks every page uses.

mod data_table;
mod delete_record;
mod details;
mod dialog;
mod empty_state;
mod field;
mod pager;
mod skeleton;
mod sortable_header;
mod timeline;

pub use data_table::{Column, DataTable, EmptyText, ListRow, ListState, OwnerFilter};
pub use delete_record::DeleteRecord;
pub use details::{Detail, or_dash};
pub use dialog::{ConfirmDialog, Modal};
pub use empty_state::EmptyState;
pub use field::{FormAlert, SelectField, TextAreaField, TextField};
pub use pager::Pager;
pub use skeleton::{SkeletonRows, SkeletonTable};
pub use sortable_header::SortableHeader;
pub use timeline::RecordTimeline;
