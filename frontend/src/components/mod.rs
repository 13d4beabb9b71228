//! Building blocks every page uses.

mod data_table;
mod delete_record;
mod details;
mod dialog;
mod draft_with_ai;
mod drop_click;
mod empty_state;
mod field;
mod inline_edit;
mod next_actions;
mod pager;
mod score;
mod skeleton;
mod sortable;
mod sortable_header;
mod tags;
mod timeline;

pub use data_table::{
    Column, DataTable, DownloadMenu, EmptyText, ExportMenu, ListRow, ListState, OwnerFilter, SelectionAction,
    TagFilter, tags_column,
};
pub use delete_record::DeleteRecord;
pub use details::{Detail, or_dash};
pub use dialog::{ConfirmDialog, Modal, open_while};
pub use draft_with_ai::DraftWithAi;
pub use drop_click::DropClick;
pub use empty_state::EmptyState;
pub use field::{FormAlert, SelectField, TextAreaField, TextField};
pub use inline_edit::InlineText;
pub use next_actions::NextActions;
pub use pager::{Cursors, PageInfo, Pager};
pub use score::{ScoreBadge, ScoreFilter, ScorePanel, score_band_pairs, score_column};
pub use skeleton::{SkeletonRows, SkeletonTable};
pub use sortable::{Sortable, Sorted};
pub use sortable_header::SortableHeader;
pub use tags::{PALETTE, Palette, TagEditor, tag_style};
pub use timeline::RecordTimeline;
