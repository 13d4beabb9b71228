//! Databases for tests: a SQLite file, or a PostgreSQL database of the test's own on the
//! server at KITE_TEST_POSTGRES_URL, dropped with it.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use sea_orm::{ConnectionTrait, Database};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database for one test: a file on SQLite, a database of its own on PostgreSQL
/// (dropped with this value).
pub struct Throwaway {
    pub url: String,
    postgres_database: Option<String>,
}

impl Throwaway {
    /// `sqlite_file` is where the SQLite database lives; PostgreSQL ignores it.
    pub async fn create(backend: Backend, sqlite_file: &std::path::Path) -> Throwaway {
        match backend {
            Backend::Sqlite => Throwaway {
                url: kite_server::config::sqlite_url(sqlite_file),
                postgres_database: None,
            },
            Backend::Postgres => {
                let name = format!("kite_test_{}", uuid::Uuid::new_v4().simple());
                let admin = Database::connect(postgres_admin_url())
                    .await
                    .expect("PostgreSQL must answer at KITE_TEST_POSTGRES_URL (just test starts it)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                Throwaway {
                    url: replace_database(&postgres_admin_url(), &name),
                    postgres_database: Some(name),
                }
            }
        }
    }
}

pub fn postgres_admin_url() -> String {
    std::env::var("KITE_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

pub fn replace_database(url: &str, name: &str) -> String {
    let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
    format!("{base}/{name}")
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        let Some(name) = self.postgres_database.take() else {
            return;
        };
        // Drop cannot await; a short-lived runtime on another thread removes the database.
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                return;
            };
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(postgres_admin_url()).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                    admin.close().await.ok();
                }
            });
        })
        .join();
    }
}
