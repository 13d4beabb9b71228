//! A server killed in the middle of an import loses nothing and writes nothing twice:
//! the restarted server takes the job over after its lease and finishes it with exact
//! counts. Runs the real binary, on SQLite and on PostgreSQL.

#[path = "shared/database.rs"]
mod database;
#[path = "shared/imports.rs"]
mod imports;
#[path = "shared/process.rs"]
mod process;

use database::{Backend, Throwaway};
use process::Instance;
use reqwest::Client;

const ROWS: usize = 100_000;

async fn killed_mid_import_then_finished_exactly(backend: Backend) {
    let data_dir = tempfile::tempdir().expect("data dir");
    let database = Throwaway::create(backend, &data_dir.path().join("kite.db")).await;
    let client = Client::new();
    let mut server = Instance::start(data_dir.path(), &database.url, &[]).await;
    let api = server.api.clone();
    let token = imports::sign_up(&client, &api, "Restart Inc").await;
    let import = imports::start(&client, &api, &token, ROWS).await;

    // Kill it once a part of the rows is committed, well before the end.
    imports::wait_for_rows(&client, &api, &token, &import, 5_000).await;
    server.kill().await;

    let restarted = Instance::start(data_dir.path(), &database.url, &[]).await;
    imports::finished_exactly(&client, &restarted.api, &token, &import).await;
}

#[tokio::test]
async fn a_server_killed_mid_import_resumes_it_exactly_on_sqlite() {
    killed_mid_import_then_finished_exactly(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_server_killed_mid_import_resumes_it_exactly_on_postgres() {
    killed_mid_import_then_finished_exactly(Backend::Postgres).await;
}
