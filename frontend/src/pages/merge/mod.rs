//! Merging duplicate contacts or companies: the suggested pairs, the dialog that merges
//! two records field by field, and "Merge with…" on a record's page.

mod dialog;
mod duplicates;
mod picker;
mod record;
mod summary;

pub use dialog::MergeDialog;
pub use duplicates::{DuplicatesPage, FindDuplicates};
pub use picker::MergeWith;

/// The kinds of record that can be merged; both share every screen of this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeKind {
    Contact,
    Company,
}

impl MergeKind {
    /// The path segment of the record's pages and API routes.
    pub fn plural(self) -> &'static str {
        match self {
            MergeKind::Contact => "contacts",
            MergeKind::Company => "companies",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            MergeKind::Contact => "contact",
            MergeKind::Company => "company",
        }
    }

    fn title(self) -> &'static str {
        match self {
            MergeKind::Contact => "Contacts",
            MergeKind::Company => "Companies",
        }
    }
}
