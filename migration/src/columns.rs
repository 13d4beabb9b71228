//! Helpers every migration uses.

use sea_orm_migration::prelude::*;

/// A column by name; the migrations spell tables and columns as strings, not as the
/// entities of today, so that they stay as they were written.
pub fn col(name: &str) -> ColumnDef {
    ColumnDef::new(Alias::new(name))
}
