//! `kite-server backup` copies a running database whole, and `restore` puts it back
//! into an empty one: every write acknowledged before the backup began is in the copy,
//! nothing is half in it, and a copy taken at rest matches the original table by table.

use crate::helpers::{Backend, TestApp, Throwaway, unique_email};
use crate::on_both_databases;
use kite_server::backup::{self, BackupError};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait, Statement};
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

async fn scalar(db: &DatabaseConnection, sql: &str) -> i64 {
    db.query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect(sql)
        .and_then(|row| row.try_get_by_index::<i64>(0).ok())
        .unwrap_or_else(|| panic!("no number from {sql}"))
}

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .expect("tables")
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect()
}

async fn a_backup_during_writes_restores_every_acknowledged_write_whole(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Backup Inc", &unique_email("admin")).await;
    let written = Arc::new(Mutex::new(Vec::<String>::new()));
    let writing = Arc::new(AtomicBool::new(true));
    let writer = {
        let (client, base, token) = (app.client.clone(), app.address.clone(), admin.access_token.clone());
        let (written, writing) = (written.clone(), writing.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while writing.load(Ordering::Relaxed) {
                n += 1;
                let response = client
                    .post(format!("{base}/api/v1/contacts"))
                    .bearer_auth(&token)
                    .json(&json!({"first_name": format!("Writer{n}"), "email": format!("w{n}@backup.example")}))
                    .send()
                    .await
                    .expect("create a contact");
                assert_eq!(response.status(), reqwest::StatusCode::CREATED);
                let body: serde_json::Value = response.json().await.expect("contact");
                written
                    .lock()
                    .expect("ids")
                    .push(body["id"].as_str().unwrap_or_default().to_owned());
            }
        })
    };
    while written.lock().expect("ids").len() < 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let dir = tempfile::tempdir().expect("backup dir");
    let file = dir.path().join("kite.backup");
    let before: Vec<String> = written.lock().expect("ids").clone();
    backup::backup(&app.database.url, &file)
        .await
        .expect("backup while writing");
    let after = written.lock().expect("ids").len();
    writing.store(false, Ordering::Relaxed);
    writer.await.expect("writer");
    assert!(
        after > before.len(),
        "writes went on during the backup ({} then {after})",
        before.len()
    );

    let restored = Throwaway::create(backend, &dir.path().join("restored.db")).await;
    backup::restore(&restored.url, &file, false).await.expect("restore");
    let db = Database::connect(&restored.url).await.expect("restored database");
    let contacts = scalar(&db, "SELECT COUNT(*) FROM contacts").await;
    assert!(
        contacts >= before.len() as i64 && contacts <= after as i64 + 1,
        "{contacts} contacts: {} acknowledged before the backup, {after} by its end",
        before.len()
    );
    let kept: std::collections::HashSet<String> = kite_entity::contact::Entity::find()
        .all(&db)
        .await
        .expect("restored contacts")
        .iter()
        .map(|c| c.id.to_string())
        .collect();
    for id in &before {
        assert!(kept.contains(id), "contact {id} was acknowledged before the backup");
    }
    let audited = scalar(
        &db,
        "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'contact' AND action = 'contact.created'",
    )
    .await;
    assert_eq!(
        audited, contacts,
        "each contact came with its audit row, or neither is there"
    );
    if backend == Backend::Sqlite {
        let check = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "PRAGMA integrity_check".to_owned(),
            ))
            .await
            .expect("integrity check")
            .and_then(|row| row.try_get_by_index::<String>(0).ok());
        assert_eq!(check.as_deref(), Some("ok"));
    }
    db.close().await.ok();

    // At rest, the copy is the original, table by table.
    let still = dir.path().join("still.backup");
    backup::backup(&app.database.url, &still).await.expect("backup at rest");
    let twin = Throwaway::create(backend, &dir.path().join("twin.db")).await;
    backup::restore(&twin.url, &still, false)
        .await
        .expect("restore at rest");
    let twin_db = Database::connect(&twin.url).await.expect("twin database");
    let live = &app.state.kite.db;
    let names = tables(live).await;
    assert!(names.len() > 30, "{names:?}");
    assert_eq!(tables(&twin_db).await, names);
    for table in &names {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(scalar(&twin_db, &sql).await, scalar(live, &sql).await, "{table}");
    }
    twin_db.close().await.ok();
}
on_both_databases!(a_backup_during_writes_restores_every_acknowledged_write_whole);

async fn a_restore_never_overwrites_kite_data_nor_takes_a_foreign_file(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.signup("Kept Inc", &unique_email("admin")).await;
    let dir = tempfile::tempdir().expect("backup dir");
    let file = dir.path().join("kite.backup");
    backup::backup(&app.database.url, &file).await.expect("backup");
    assert!(matches!(
        backup::backup(&app.database.url, &file).await,
        Err(BackupError::Exists(_))
    ));
    assert!(matches!(
        backup::restore(&app.database.url, &file, false).await,
        Err(BackupError::NotEmpty)
    ));
    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "not a database").expect("foreign file");
    let empty = Throwaway::create(backend, &dir.path().join("empty.db")).await;
    assert!(matches!(
        backup::restore(&empty.url, &foreign, false).await,
        Err(BackupError::WrongFormat(..))
    ));
    assert_eq!(
        app.count_rows("organizations", "").await,
        1,
        "the live data is untouched"
    );
}
on_both_databases!(a_restore_never_overwrites_kite_data_nor_takes_a_foreign_file);
