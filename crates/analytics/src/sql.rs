//! Hand-written SQL for the readers, valid on SQLite and PostgreSQL: written with `?`
//! placeholders, numbered for PostgreSQL here.

use crate::scope::{Scope, Window};
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseBackend, Statement, Value};

pub struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    /// Appends `text`, whose `?`s take `values` in order.
    pub fn push(mut self, text: &str, values: impl IntoIterator<Item = Value>) -> Self {
        self.text.push_str(text);
        self.values.extend(values);
        self
    }

    /// Appends `other`, text and values.
    pub fn append(mut self, other: Sql) -> Self {
        self.text.push_str(&other.text);
        self.values.extend(other.values);
        self
    }

    /// The order statistics of `rows`, a query of `grp`, `part`, `seconds` and `dropped`
    /// (0 or 1), per group and part: its size, its sums of seconds and of drops, and only
    /// the rows at the sorted positions its median and 90th percentile are interpolated
    /// from (see [`crate::ranked`]). A year of stage stays crosses the driver as a few
    /// rows per stage instead of one per stay.
    pub fn ranked(rows: Sql) -> Sql {
        Sql::new(
            "SELECT r.grp, CAST(r.part AS BIGINT) AS part, r.n, r.total, r.dropped, r.at_rank, r.seconds FROM (\
             SELECT s.grp, s.part, s.seconds, \
             ROW_NUMBER() OVER (PARTITION BY s.grp, s.part ORDER BY s.seconds) - 1 AS at_rank, \
             COUNT(*) OVER (PARTITION BY s.grp, s.part) AS n, \
             SUM(s.seconds) OVER (PARTITION BY s.grp, s.part) AS total, \
             SUM(s.dropped) OVER (PARTITION BY s.grp, s.part) AS dropped FROM (",
        )
        .append(rows)
        .push(
            ") s) r WHERE r.at_rank IN ((r.n - 1) / 2, r.n / 2, 9 * (r.n - 1) / 10, (9 * (r.n - 1) + 9) / 10)",
            [],
        )
    }

    /// The conditions every read of deals aliased `d` shares: the organization, not in
    /// the trash, and the scope's owner and pipeline.
    pub fn deals_in_scope(self, scope: &Scope, whole_pipeline: bool) -> Self {
        let mut sql = self.push(
            " d.organization_id = ? AND d.deleted_at IS NULL",
            [scope.organization.into()],
        );
        if let Some(owner) = scope.owner {
            sql = sql.push(" AND d.owner_id = ?", [owner.into()]);
        }
        if whole_pipeline || scope.narrow_to_pipeline {
            sql = sql.push(" AND d.pipeline_id = ?", [scope.pipeline.id.into()]);
        }
        sql
    }

    /// `column` names a deal in the scope, optionally one created in a window: as a
    /// list the database reads once and seeks the other table's rows by, which beats
    /// joining deals to every row of the stage history.
    pub fn deal_in_scope(self, column: &str, scope: &Scope, whole_pipeline: bool, created_in: Option<Window>) -> Self {
        let mut sql = self
            .push(&format!(" {column} IN (SELECT d.id FROM deals d WHERE"), [])
            .deals_in_scope(scope, whole_pipeline);
        if let Some(window) = created_in {
            sql = sql.push(
                " AND d.created_at >= ? AND d.created_at < ?",
                [window.start.into(), window.end.into()],
            );
        }
        sql.push(")", [])
    }

    /// Seconds from `from` to `to`, two timestamp columns, as a float.
    pub fn seconds_between(backend: DatabaseBackend, from: &str, to: &str) -> String {
        match backend {
            DatabaseBackend::Postgres => format!("CAST(EXTRACT(EPOCH FROM {to} - {from}) AS DOUBLE PRECISION)"),
            _ => format!("CAST(unixepoch({to}, 'subsec') - unixepoch({from}, 'subsec') AS DOUBLE PRECISION)"),
        }
    }

    /// The day `column`, a timestamp, falls on where the UTC offset is each of
    /// `offsets` from its instant on (the first holds before too), as `YYYY-MM-DD` text.
    /// SQLite knows no time zones, so the zone's offsets come from Rust as values.
    pub fn local_day(backend: DatabaseBackend, column: &str, offsets: &[(DateTime<Utc>, i32)]) -> Sql {
        let last = offsets.last().map_or(0, |(_, offset)| *offset);
        let seconds = if offsets.len() > 1 {
            let mut case = Sql::new("CASE");
            for pair in offsets.windows(2) {
                let ((_, offset), (next, _)) = (pair[0], pair[1]);
                case = case.push(
                    &format!(" WHEN {column} < ? THEN CAST(? AS INTEGER)"),
                    [next.into(), offset.into()],
                );
            }
            case.push(" ELSE CAST(? AS INTEGER) END", [last.into()])
        } else {
            Sql::new("CAST(? AS INTEGER)").push("", [last.into()])
        };
        match backend {
            DatabaseBackend::Postgres => Sql::new(&format!("CAST(CAST({column} AT TIME ZONE 'UTC' + ("))
                .append(seconds)
                .push(") * INTERVAL '1 second' AS DATE) AS TEXT)", []),
            _ => Sql::new(&format!("date({column}, CAST(("))
                .append(seconds)
                .push(") AS TEXT) || ' seconds')", []),
        }
    }

    pub fn build(self, backend: DatabaseBackend) -> Statement {
        let text = match backend {
            DatabaseBackend::Postgres => {
                let mut numbered = String::with_capacity(self.text.len() + 16);
                let mut n = 0;
                for c in self.text.chars() {
                    if c == '?' {
                        n += 1;
                        numbered.push('$');
                        numbered.push_str(&n.to_string());
                    } else {
                        numbered.push(c);
                    }
                }
                numbered
            }
            _ => self.text,
        };
        Statement::from_sql_and_values(backend, text, self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_gets_numbered_placeholders_and_sqlite_keeps_question_marks() {
        let sql = || Sql::new("SELECT 1 WHERE a = ?").push(" AND b = ?", [1.into(), 2.into()]);
        assert_eq!(
            sql().build(DatabaseBackend::Postgres).sql,
            "SELECT 1 WHERE a = $1 AND b = $2"
        );
        assert_eq!(
            sql().build(DatabaseBackend::Sqlite).sql,
            "SELECT 1 WHERE a = ? AND b = ?"
        );
    }
}
