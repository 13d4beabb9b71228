use leptos::prelude::*;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use uuid::Uuid;

/// A record a list shows: the id its selection and bulk actions use, and the name a
/// screen reader hears on its checkbox.
pub trait ListRow: DeserializeOwned + Clone + Send + Sync + 'static {
    fn id(&self) -> Uuid;
    fn name(&self) -> String;
}

type Cell<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;

/// One column of a list: its header, how a row fills its cell, and how it sorts.
pub struct Column<T> {
    /// Names the column in the chooser's memory and in `data-column`; keep it stable.
    pub(super) key: &'static str,
    pub(super) label: &'static str,
    /// The API's sort key; none leaves the header plain.
    pub(super) sort: Option<&'static str>,
    /// The first click sorts from the highest.
    pub(super) descending_first: bool,
    /// On the header and the cells, e.g. `hide-narrow`.
    pub(super) class: &'static str,
    /// On the cells only, e.g. `muted nowrap`.
    pub(super) cell_class: &'static str,
    pub(super) shown_by_default: bool,
    pub(super) cell: Cell<T>,
}

// Derived Clone would ask for `T: Clone`, which the shared cell does not need.
impl<T> Clone for Column<T> {
    fn clone(&self) -> Self {
        Self {
            key: self.key,
            label: self.label,
            sort: self.sort,
            descending_first: self.descending_first,
            class: self.class,
            cell_class: self.cell_class,
            shown_by_default: self.shown_by_default,
            cell: Arc::clone(&self.cell),
        }
    }
}

impl<T> Column<T> {
    pub fn new(key: &'static str, label: &'static str, cell: impl Fn(&T) -> AnyView + Send + Sync + 'static) -> Self {
        Self {
            key,
            label,
            sort: None,
            descending_first: false,
            class: "",
            cell_class: "",
            shown_by_default: true,
            cell: Arc::new(cell),
        }
    }

    pub fn sort(mut self, api_key: &'static str) -> Self {
        self.sort = Some(api_key);
        self
    }

    /// Sorted by the API's `api_key`, highest first on the first click.
    pub fn sort_descending_first(mut self, api_key: &'static str) -> Self {
        self.sort = Some(api_key);
        self.descending_first = true;
        self
    }

    pub fn class(mut self, class: &'static str) -> Self {
        self.class = class;
        self
    }

    pub fn cell_class(mut self, class: &'static str) -> Self {
        self.cell_class = class;
        self
    }

    /// Offered in the column chooser but not shown until the user picks it.
    pub fn hidden(mut self) -> Self {
        self.shown_by_default = false;
        self
    }
}
