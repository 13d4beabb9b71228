//! `kite-server backup` and `restore`: a consistent copy of the whole database taken while
//! Kite runs, and putting one back. SQLite copies itself with `VACUUM INTO` (one read
//! transaction, so writes in flight are either in the copy or not); PostgreSQL goes
//! through `pg_dump`/`pg_restore` in their custom format. A backup is written under a
//! temporary name and renamed when complete, so a file with the asked name is whole.

use crate::db;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use std::path::{Path, PathBuf};
use tokio::process::Command;

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} already exists: choose a new name, Kite does not overwrite a backup")]
    Exists(PathBuf),
    #[error("{0} is not a Kite backup of a {1} database")]
    WrongFormat(PathBuf, &'static str),
    #[error("the backup {0} is damaged: {1}")]
    Damaged(PathBuf, String),
    #[error("the target database already holds Kite data: restore with --replace to overwrite it")]
    NotEmpty,
    #[error("{tool} is needed for PostgreSQL backups (Debian: apt install postgresql-client): {source}")]
    ToolMissing { tool: &'static str, source: std::io::Error },
    #[error("{tool} failed: {message}")]
    ToolFailed { tool: &'static str, message: String },
    #[error("not a database Kite can back up: {0}")]
    Unsupported(String),
    #[error(transparent)]
    Database(#[from] sea_orm::DbErr),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Copies the database at `database_url` into the new file `to`.
pub async fn backup(database_url: &str, to: &Path) -> Result<(), BackupError> {
    if to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    let partial = partial_name(to);
    let _ = std::fs::remove_file(&partial);
    if is_postgres(database_url) {
        run(
            "pg_dump",
            Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(&partial)
                .arg(format!("--dbname={database_url}")),
        )
        .await?;
    } else {
        let conn = connect(database_url).await?;
        let target = partial
            .to_str()
            .ok_or_else(|| BackupError::Unsupported(format!("{} is not a UTF-8 path", partial.display())))?;
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "VACUUM INTO ?",
            [target.into()],
        ))
        .await?;
        conn.close().await?;
    }
    std::fs::rename(&partial, to)?;
    Ok(())
}

/// Puts the backup `from` into the database at `database_url`, which must hold no Kite
/// data unless `replace`. On SQLite, stop every server using the file first.
pub async fn restore(database_url: &str, from: &Path, replace: bool) -> Result<(), BackupError> {
    let head = read_head(from)?;
    if is_postgres(database_url) {
        if !head.starts_with(PG_DUMP_MAGIC) {
            return Err(BackupError::WrongFormat(from.to_owned(), "PostgreSQL"));
        }
        if !replace && holds_kite_data(&connect(database_url).await?).await? {
            return Err(BackupError::NotEmpty);
        }
        let mut command = Command::new("pg_restore");
        command.args([
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
        ]);
        if replace {
            command.args(["--clean", "--if-exists"]);
        }
        run("pg_restore", command.arg(format!("--dbname={database_url}")).arg(from)).await?;
        return Ok(());
    }
    if !head.starts_with(SQLITE_MAGIC) {
        return Err(BackupError::WrongFormat(from.to_owned(), "SQLite"));
    }
    let target = sqlite_path(database_url)?;
    let backup = connect(&crate::config::sqlite_url(from).replace("mode=rwc", "mode=ro")).await?;
    let check = backup
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA integrity_check"))
        .await?
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .unwrap_or_default();
    let is_kite = holds_kite_data(&backup).await?;
    backup.close().await?;
    if check != "ok" {
        return Err(BackupError::Damaged(from.to_owned(), check));
    }
    if !is_kite {
        return Err(BackupError::WrongFormat(from.to_owned(), "SQLite"));
    }
    if target.exists() && !replace {
        let current = connect(database_url).await?;
        let occupied = holds_kite_data(&current).await?;
        current.close().await?;
        if occupied {
            return Err(BackupError::NotEmpty);
        }
    }
    let staged = partial_name(&target);
    std::fs::copy(from, &staged)?;
    std::fs::File::open(&staged)?.sync_all()?;
    // A write-ahead log left by the old database would be replayed into the new one.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(PathBuf::from(side)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&staged, &target)?;
    Ok(())
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// `sqlite://PATH?mode=rwc` → PATH.
fn sqlite_path(url: &str) -> Result<PathBuf, BackupError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| BackupError::Unsupported(db::redact(url)))?;
    let path = rest.split('?').next().unwrap_or(rest);
    if path.is_empty() || path == ":memory:" {
        return Err(BackupError::Unsupported(db::redact(url)));
    }
    Ok(PathBuf::from(path))
}

fn partial_name(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

fn read_head(path: &Path) -> Result<Vec<u8>, BackupError> {
    use std::io::Read;
    let mut head = vec![0; SQLITE_MAGIC.len()];
    let read = std::fs::File::open(path)?.read(&mut head)?;
    head.truncate(read);
    Ok(head)
}

async fn connect(url: &str) -> Result<DatabaseConnection, BackupError> {
    sea_orm::Database::connect(url).await.map_err(BackupError::from)
}

/// Whether the migrations table exists: a database Kite has started on.
async fn holds_kite_data(conn: &DatabaseConnection) -> Result<bool, BackupError> {
    let sql = match conn.get_database_backend() {
        DbBackend::Postgres => "SELECT 1 FROM information_schema.tables WHERE table_name = 'seaql_migrations'",
        _ => "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'",
    };
    let found = conn
        .query_one_raw(Statement::from_string(conn.get_database_backend(), sql))
        .await?;
    Ok(found.is_some())
}

async fn run(tool: &'static str, command: &mut Command) -> Result<(), BackupError> {
    let output = command
        .output()
        .await
        .map_err(|source| BackupError::ToolMissing { tool, source })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(BackupError::ToolFailed {
            tool,
            message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;
    use std::path::PathBuf;

    #[test]
    fn the_sqlite_file_is_read_from_the_url() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/kite/kite.db?mode=rwc").ok(),
            Some(PathBuf::from("/var/lib/kite/kite.db"))
        );
        assert_eq!(
            sqlite_path("sqlite:data/kite.db").ok(),
            Some(PathBuf::from("data/kite.db"))
        );
        assert!(sqlite_path("sqlite::memory:").is_err());
    }
}
