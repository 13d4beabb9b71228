//! Connecting to SQLite or PostgreSQL and bringing the schema up to date.

use anyhow::{Context, Result};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use std::time::Duration;

/// `max_connections` unset: 20 on PostgreSQL, 8 on SQLite (one writer at a time there).
pub async fn connect(url: &str, max_connections: Option<u32>) -> Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    let default = if url.starts_with("sqlite") { 8 } else { 20 };
    options
        .max_connections(max_connections.unwrap_or(default))
        .min_connections(1)
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // SQLite runs on a worker thread that hands rows over a channel: the default of 50
        // rows a handover made a report of 100k rows mostly thread switches.
        .map_sqlx_sqlite_opts(|options| options.row_buffer_size(4096));
    let db = Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the database at {}", redact(url)))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers run while a writer commits; the setting is kept in the file.
        db.execute_unprepared("PRAGMA journal_mode=WAL;").await?;
    }
    Ok(db)
}

pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    Migrator::up(db, None).await.context("database migration failed")?;
    Ok(())
}

pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Postgres => "postgres",
        DbBackend::Sqlite => "sqlite",
        _ => "other",
    }
}

/// Hides the password of a `postgres://user:password@host/db` URL in logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}://{user}:***@{}", &url[..scheme_end], &url[at + 1..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn database_passwords_never_reach_the_logs() {
        assert_eq!(
            redact("postgres://kite:s3cret@db:5432/kite"),
            "postgres://kite:***@db:5432/kite"
        );
        assert_eq!(
            redact("sqlite://./data/kite.db?mode=rwc"),
            "sqlite://./data/kite.db?mode=rwc"
        );
    }
}
