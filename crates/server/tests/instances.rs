//! Several `kite-server` processes on one PostgreSQL, as a team runs Kite behind a load
//! balancer: they share the data directory (the JWT secret, files) and the database,
//! and nothing else. Jobs run once whichever instance queued them, events reach a
//! stream on any instance, sessions work on every instance, and an instance that dies
//! mid-job leaves it to the others after its lease.

#[path = "shared/database.rs"]
mod database;
#[path = "shared/imports.rs"]
mod imports;
#[path = "shared/process.rs"]
mod process;

use database::{Backend, Throwaway};
use futures_util::StreamExt;
use process::{Instance, call};
use reqwest::Client;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::json;
use std::time::{Duration, Instant};

const EMAILS: usize = 1_000;

struct Pair {
    a: Instance,
    b: Instance,
    token: String,
    refresh_token: String,
    client: Client,
    db: DatabaseConnection,
    _database: Throwaway,
    _data_dir: tempfile::TempDir,
}

impl Pair {
    async fn start(workers: &str) -> Pair {
        let data_dir = tempfile::tempdir().expect("shared data dir");
        let database = Throwaway::create(Backend::Postgres, data_dir.path()).await;
        let env = [("KITE_WORKERS", workers)];
        // One after the other: the first creates the secret both sign tokens with.
        let a = Instance::start(data_dir.path(), &database.url, &env).await;
        let b = Instance::start(data_dir.path(), &database.url, &env).await;
        let client = Client::new();
        let signup = call(client.post(format!("{}/auth/signup", a.api)).json(&json!({
            "organization_name": "Twin Instances", "name": "Ada Admin",
            "email": "ada@twins.example", "password": "correct horse battery staple"
        })))
        .await;
        let db = Database::connect(&database.url).await.expect("the shared database");
        Pair {
            token: signup["access_token"].as_str().expect("token").to_owned(),
            refresh_token: signup["refresh_token"].as_str().expect("refresh token").to_owned(),
            a,
            b,
            client,
            db,
            _database: database,
            _data_dir: data_dir,
        }
    }

    async fn count(&self, sql: &str) -> i64 {
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect(sql)
            .expect("a row");
        row.try_get_by_index(0).expect("a count")
    }

    async fn execute(&self, sql: &str) {
        self.db.execute_unprepared(sql).await.expect(sql);
    }

    /// The worker that holds (or last ran) the job.
    async fn worker_of(&self, job: &str) -> Option<String> {
        let sql = format!("SELECT worker_id FROM jobs WHERE id = '{job}'");
        let row = self
            .db
            .query_one_raw(Statement::from_string(self.db.get_database_backend(), sql))
            .await
            .expect("the job")?;
        row.try_get_by_index(0).ok().flatten()
    }
}

#[tokio::test]
async fn jobs_queued_on_both_instances_each_run_exactly_once() {
    let pair = Pair::start("2").await;
    let contact = call(
        pair.client
            .post(format!("{}/contacts", pair.a.api))
            .bearer_auth(&pair.token)
            .json(&json!({"first_name": "Grace", "email": "grace@twins.example"})),
    )
    .await;
    let contact = contact["id"].as_str().expect("contact id").to_owned();

    // Each one-off email is one `email.send` job, queued by whichever instance took
    // the request: half on each.
    let sends = futures_util::stream::iter(0..EMAILS).map(|n| {
        let api = if n % 2 == 0 { &pair.a.api } else { &pair.b.api };
        let request = pair
            .client
            .post(format!("{api}/contacts/{contact}/emails"))
            .bearer_auth(&pair.token)
            .json(&json!({"subject": format!("Message {n}"), "body_html": "<p>Hello</p>"}));
        call(request)
    });
    let queued: Vec<_> = sends.buffer_unordered(16).collect().await;
    assert_eq!(queued.len(), EMAILS);

    let deadline = Instant::now() + Duration::from_secs(300);
    while pair
        .count("SELECT COUNT(*) FROM jobs WHERE kind = 'email.send' AND status = 'succeeded'")
        .await
        < EMAILS as i64
    {
        let left = pair
            .count("SELECT COUNT(*) FROM jobs WHERE kind = 'email.send' AND status <> 'succeeded'")
            .await;
        assert!(Instant::now() < deadline, "{left} emails still unsent");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        pair.count("SELECT COUNT(*) FROM jobs WHERE kind = 'email.send'").await,
        EMAILS as i64
    );
    assert_eq!(
        pair.count("SELECT COUNT(*) FROM jobs WHERE kind = 'email.send' AND attempts <> 1")
            .await,
        0,
        "no job was claimed twice"
    );
    assert_eq!(
        pair.count("SELECT COUNT(*) FROM outbox_messages").await,
        EMAILS as i64,
        "each email left once"
    );
    assert_eq!(
        pair.count("SELECT COUNT(DISTINCT subject) FROM outbox_messages").await,
        EMAILS as i64
    );
    assert_eq!(
        pair.count("SELECT COUNT(*) FROM emails WHERE status <> 'sent'").await,
        0
    );
    for instance in [&pair.a, &pair.b] {
        let ran = pair
            .count(&format!(
                "SELECT COUNT(*) FROM jobs WHERE kind = 'email.send' AND worker_id LIKE '{}%'",
                instance.worker_prefix()
            ))
            .await;
        assert!(ran > 0, "both instances ran some of the jobs");
    }
}

#[tokio::test]
async fn a_due_schedule_fires_once_however_many_instances_see_it() {
    const SCHEDULES: i64 = 20;
    let pair = Pair::start("1").await;
    for n in 0..SCHEDULES {
        let api = if n % 2 == 0 { &pair.a.api } else { &pair.b.api };
        call(
            pair.client
                .post(format!("{api}/scheduled-exports"))
                .bearer_auth(&pair.token)
                .json(&json!({
                    "name": format!("Export {n}"), "entity": "contacts", "format": "csv",
                    "schedule": {"frequency": "daily", "time": "08:00", "time_zone": "UTC"},
                    "recipients": ["ops@twins.example"],
                })),
        )
        .await;
    }
    pair.execute("UPDATE scheduled_exports SET next_run_at = now() - interval '1 hour'")
        .await;

    let deadline = Instant::now() + Duration::from_secs(60);
    while pair.count("SELECT COUNT(*) FROM export_runs").await < SCHEDULES {
        assert!(Instant::now() < deadline, "the due exports never ran");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Each clock looks for due exports every 15 s: by now both have looked since.
    tokio::time::sleep(Duration::from_secs(17)).await;
    assert_eq!(
        pair.count("SELECT COUNT(*) FROM jobs WHERE kind = 'export.scheduled'")
            .await,
        SCHEDULES,
        "one run per schedule and due time"
    );
    assert_eq!(pair.count("SELECT COUNT(*) FROM export_runs").await, SCHEDULES);
    assert_eq!(
        pair.count("SELECT COUNT(*) FROM scheduled_exports WHERE next_run_at <= now()")
            .await,
        0,
        "each moved on to its next day"
    );
}

#[tokio::test]
async fn a_change_made_on_one_instance_reaches_a_live_stream_on_the_other() {
    let pair = Pair::start("1").await;
    // The ticket lives in the database: issued by A, it opens a stream on B.
    let ticket = call(
        pair.client
            .post(format!("{}/events/ticket", pair.a.api))
            .bearer_auth(&pair.token),
    )
    .await;
    let ticket = ticket["ticket"].as_str().expect("ticket");
    let stream = pair
        .client
        .get(format!("{}/events?ticket={ticket}", pair.b.api))
        .send()
        .await
        .expect("stream on B");
    assert!(stream.status().is_success(), "{}", stream.status());
    let mut chunks = stream.bytes_stream();
    let mut received = String::new();
    while !received.contains(": open") {
        let chunk = chunks.next().await.expect("the stream opens").expect("bytes");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }

    let contact = call(
        pair.client
            .post(format!("{}/contacts", pair.a.api))
            .bearer_auth(&pair.token)
            .json(&json!({"first_name": "Linus", "email": "linus@twins.example"})),
    )
    .await;
    let id = contact["id"].as_str().expect("contact id");
    let arrived = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            let frames = received.split("\n\n");
            if frames
                .into_iter()
                .any(|frame| frame.starts_with("event: record_changed") && frame.contains(id))
            {
                return;
            }
            let chunk = chunks.next().await.expect("the stream stays open").expect("bytes");
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(arrived.is_ok(), "no record_changed for {id} on B; got: {received}");
}

#[tokio::test]
async fn a_session_made_on_one_instance_works_and_refreshes_on_the_other() {
    let pair = Pair::start("1").await;
    let me = call(pair.client.get(format!("{}/me", pair.b.api)).bearer_auth(&pair.token)).await;
    assert_eq!(me["user"]["email"], "ada@twins.example", "{me}");
    let refreshed = call(
        pair.client
            .post(format!("{}/auth/refresh", pair.b.api))
            .json(&json!({"refresh_token": pair.refresh_token})),
    )
    .await;
    let token = refreshed["access_token"].as_str().expect("a new access token");
    call(pair.client.get(format!("{}/contacts", pair.a.api)).bearer_auth(token)).await;
    // Rotated on B, the old refresh token is spent on A too.
    let reused = pair
        .client
        .post(format!("{}/auth/refresh", pair.a.api))
        .json(&json!({"refresh_token": pair.refresh_token}))
        .send()
        .await
        .expect("refresh on A");
    assert_eq!(reused.status(), reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_instance_killed_mid_job_leaves_the_job_to_the_other() {
    let mut pair = Pair::start("1").await;
    let api = pair.a.api.clone();
    let import = imports::start(&pair.client, &api, &pair.token, 50_000).await;
    imports::wait_for_rows(&pair.client, &api, &pair.token, &import, 2_000).await;
    let holder = pair.worker_of(&import.job).await.expect("a running job has a worker");
    let a_holds_it = holder.starts_with(&pair.a.worker_prefix());
    assert!(a_holds_it || holder.starts_with(&pair.b.worker_prefix()), "{holder}");
    let (dead, survivor) = if a_holds_it {
        (&mut pair.a, &pair.b)
    } else {
        (&mut pair.b, &pair.a)
    };
    dead.kill().await;

    let job = imports::finished_exactly(&pair.client, &survivor.api, &pair.token, &import).await;
    let finisher = pair
        .worker_of(&import.job)
        .await
        .expect("a finished job keeps its worker");
    assert!(
        finisher.starts_with(&survivor.worker_prefix()),
        "{finisher} finished {job}"
    );
}
