//! A server killed (-9) at any moment of a write workload keeps every write it
//! acknowledged and none by halves. The same database goes through several crashes at
//! different points; after each, SQLite's integrity check passes and every 2xx write is
//! there, with its audit entry and its change event (one transaction, all or nothing).

#[path = "shared/database.rs"]
mod database;
#[path = "shared/imports.rs"]
mod imports;
#[path = "shared/process.rs"]
mod process;

use database::{Backend, Throwaway};
use kite_entity::{activity, audit_log, contact, domain_event};
use process::Instance;
use reqwest::Client;
use sea_orm::{ConnectionTrait, Database, EntityTrait, Statement};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

const WRITERS: usize = 8;
/// When each round's kill lands after its first acknowledged write: early, mid-flight, late.
const KILL_AFTER_MS: [u64; 4] = [150, 600, 1_100, 1_900];

#[derive(Default)]
struct Acknowledged {
    contacts: HashSet<Uuid>,
    activities: HashSet<Uuid>,
}

/// Creates contacts and logs a call on each, recording every id a 2xx answered with,
/// until the server goes away.
async fn write_until_killed(
    client: Client,
    api: String,
    token: String,
    writer: usize,
    acked: Arc<Mutex<Acknowledged>>,
) {
    for n in 0.. {
        let created = client
            .post(format!("{api}/contacts"))
            .bearer_auth(&token)
            .json(
                &json!({"first_name": format!("W{writer}"), "last_name": format!("N{n}"),
                          "email": format!("w{writer}.n{n}.{}@crash.example", Uuid::new_v4().simple())}),
            )
            .send()
            .await;
        let Some(contact) = acknowledged_id(created).await else {
            return;
        };
        acked.lock().expect("acks").contacts.insert(contact);
        let logged = client
            .post(format!("{api}/activities"))
            .bearer_auth(&token)
            .json(&json!({"kind": "call", "subject": format!("Call {n}"), "contact_id": contact, "done": true}))
            .send()
            .await;
        let Some(activity) = acknowledged_id(logged).await else {
            return;
        };
        acked.lock().expect("acks").activities.insert(activity);
    }
}

/// The id of a created record, or None once the server is gone. Anything else than
/// success or a dropped connection fails the test.
async fn acknowledged_id(response: reqwest::Result<reqwest::Response>) -> Option<Uuid> {
    let response = response.ok()?;
    let status = response.status();
    let body: Value = response.json().await.ok()?;
    assert!(status.is_success(), "{status}: {body}");
    body["id"].as_str().and_then(|id| id.parse().ok())
}

async fn crashes_keep_every_acknowledged_write_whole(backend: Backend) {
    let data_dir = tempfile::tempdir().expect("data dir");
    let database = Throwaway::create(backend, &data_dir.path().join("kite.db")).await;
    let client = Client::new();
    let mut server = Instance::start(data_dir.path(), &database.url, &[]).await;
    let token = imports::sign_up(&client, &server.api, "Crash Test Ltd").await;
    let acked = Arc::new(Mutex::new(Acknowledged::default()));

    for kill_after in KILL_AFTER_MS {
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                tokio::spawn(write_until_killed(
                    client.clone(),
                    server.api.clone(),
                    token.clone(),
                    writer,
                    acked.clone(),
                ))
            })
            .collect();
        // Counted from the round's first acknowledged write, not from its start: a loaded
        // machine may take longer than the shortest wait to answer anything.
        let before = acked.lock().expect("acks").contacts.len();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while acked.lock().expect("acks").contacts.len() == before {
            assert!(std::time::Instant::now() < deadline, "the workload never wrote");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(kill_after)).await;
        server.kill().await;
        for writer in writers {
            writer.await.expect("a writer");
        }

        let db = Database::connect(&database.url)
            .await
            .expect("the database after the crash");
        if backend == Backend::Sqlite {
            let check = db
                .query_one_raw(Statement::from_string(
                    db.get_database_backend(),
                    "PRAGMA integrity_check",
                ))
                .await
                .expect("integrity check")
                .and_then(|row| row.try_get_by_index::<String>(0).ok());
            assert_eq!(
                check.as_deref(),
                Some("ok"),
                "after a kill {kill_after} ms into the writes"
            );
        }
        let contacts: HashSet<Uuid> = contact::Entity::find()
            .all(&db)
            .await
            .expect("contacts")
            .into_iter()
            .map(|c| c.id)
            .collect();
        let activities: HashSet<Uuid> = activity::Entity::find()
            .all(&db)
            .await
            .expect("activities")
            .into_iter()
            .map(|a| a.id)
            .collect();
        let audited: Vec<(String, Option<Uuid>)> = audit_log::Entity::find()
            .all(&db)
            .await
            .expect("audit log")
            .into_iter()
            .map(|a| (a.action, a.entity_id.and_then(|id| id.parse().ok())))
            .collect();
        let announced: Vec<(String, Option<Uuid>)> = domain_event::Entity::find()
            .all(&db)
            .await
            .expect("domain events")
            .into_iter()
            .map(|e| (e.kind, e.entity_id))
            .collect();
        db.close().await.ok();

        // The guard goes before the restart's awaits.
        {
            let acked = acked.lock().expect("acks");
            assert!(
                acked.contacts.is_subset(&contacts),
                "{} acknowledged contacts lost after a kill {kill_after} ms into the writes",
                acked.contacts.difference(&contacts).count()
            );
            assert!(
                acked.activities.is_subset(&activities),
                "{} acknowledged activities lost after a kill {kill_after} ms into the writes",
                acked.activities.difference(&activities).count()
            );
            // Written but not acknowledged: at most the requests in flight at the kill.
            assert!(contacts.len() - acked.contacts.len() <= WRITERS);
            for (kind, records) in [("contact.created", &contacts), ("activity.created", &activities)] {
                let of_kind = |entries: &[(String, Option<Uuid>)]| -> Vec<Uuid> {
                    entries
                        .iter()
                        .filter(|(k, _)| k == kind)
                        .filter_map(|(_, id)| *id)
                        .collect()
                };
                let audit = of_kind(&audited);
                let events = of_kind(&announced);
                assert_eq!(audit.len(), records.len(), "one {kind} audit entry per record");
                assert_eq!(
                    audit.into_iter().collect::<HashSet<_>>(),
                    *records,
                    "{kind} audit entries"
                );
                assert_eq!(events.len(), records.len(), "one {kind} event per record");
                assert_eq!(events.into_iter().collect::<HashSet<_>>(), *records, "{kind} events");
            }
        }
        server = Instance::start(data_dir.path(), &database.url, &[]).await;
    }
}

#[tokio::test]
async fn crashes_keep_every_acknowledged_write_whole_on_sqlite() {
    crashes_keep_every_acknowledged_write_whole(Backend::Sqlite).await;
}

#[tokio::test]
async fn crashes_keep_every_acknowledged_write_whole_on_postgres() {
    crashes_keep_every_acknowledged_write_whole(Backend::Postgres).await;
}
