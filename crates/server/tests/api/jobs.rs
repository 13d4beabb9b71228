use crate::helpers::{Backend, Session, TestApp, read_stream_until, unique_email};
use crate::on_both_databases;
use chrono::Duration;
use kite_core::jobs::NewJob;
use kite_jobs::{JobError, JobHandler, JobRun, WorkerConfig, Workers};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use uuid::Uuid;

fn job_for(session: &Session, kind: &str, payload: Value) -> NewJob {
    let mut job = NewJob::new(kind, payload);
    job.organization_id = session.organization_id.parse().ok();
    job.created_by = session.user_id.parse().ok();
    job
}

fn quick(workers: usize) -> WorkerConfig {
    WorkerConfig {
        workers,
        lease: Duration::seconds(30),
        poll: std::time::Duration::from_millis(20),
        tick: std::time::Duration::from_millis(100),
    }
}

async fn wait_for_status(app: &TestApp, token: &str, id: Uuid, status: &str) -> Value {
    let started = Instant::now();
    loop {
        let job = app.get(&format!("/api/v1/jobs/{id}"), token).await;
        if job.body["status"] == status {
            return job.body;
        }
        assert!(
            started.elapsed().as_secs() < 15,
            "job never became {status}: {}",
            job.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// Counts how many times each job ran and the most runs of one job at once.
#[derive(Default)]
struct Tally {
    running: Mutex<HashMap<Uuid, usize>>,
    runs: Mutex<HashMap<Uuid, usize>>,
    overlap: Mutex<usize>,
}

struct Counted(Arc<Tally>);

#[async_trait::async_trait]
impl JobHandler for Counted {
    fn kind(&self) -> &'static str {
        "test.counted"
    }

    async fn run(&self, run: &JobRun) -> Result<Value, JobError> {
        let id = run.job.id;
        {
            let mut running = self.0.running.lock().map_err(|_| JobError::Fail("poisoned".into()))?;
            let now = running.entry(id).or_default();
            *now += 1;
            let mut overlap = self.0.overlap.lock().map_err(|_| JobError::Fail("poisoned".into()))?;
            *overlap = (*overlap).max(*now);
            *self
                .0
                .runs
                .lock()
                .map_err(|_| JobError::Fail("poisoned".into()))?
                .entry(id)
                .or_default() += 1;
        }
        tokio::time::sleep(std::time::Duration::from_millis(15)).await;
        if let Ok(mut running) = self.0.running.lock() {
            running.entry(id).and_modify(|n| *n -= 1);
        }
        Ok(json!({"ok": true}))
    }
}

async fn two_worker_pools_never_run_one_job_twice(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let tally = Arc::new(Tally::default());
    // Two pools stand for two server instances sharing one database.
    let pools: Vec<Workers> = (0..2)
        .map(|_| Workers::start(app.state.kite.clone(), vec![Arc::new(Counted(tally.clone()))], quick(4)))
        .collect();
    let mut ids = Vec::new();
    for n in 0..40 {
        let job = app
            .state
            .kite
            .queue()
            .enqueue(&app.state.kite.db, job_for(&admin, "test.counted", json!({"n": n})))
            .await
            .expect("enqueue");
        ids.push(job.id);
    }
    for id in &ids {
        wait_for_status(&app, &admin.access_token, *id, "succeeded").await;
    }
    for pool in pools {
        pool.shutdown(std::time::Duration::from_secs(5)).await;
    }
    let runs = tally.runs.lock().expect("runs");
    assert_eq!(runs.len(), 40);
    assert!(runs.values().all(|n| *n == 1), "{runs:?}");
    assert_eq!(*tally.overlap.lock().expect("overlap"), 1);
}
on_both_databases!(two_worker_pools_never_run_one_job_twice);

async fn a_job_whose_worker_died_is_taken_over_after_its_lease(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let queue = app.state.kite.queue();
    let job = queue
        .enqueue(&app.state.kite.db, job_for(&admin, "test.orphan", json!({})))
        .await
        .expect("enqueue");
    let kinds = ["test.orphan"];
    let dead = queue
        .claim("dead-worker", &kinds, Duration::seconds(1))
        .await
        .expect("claim")
        .expect("the job");
    assert_eq!(dead.id, job.id);
    assert!(
        queue
            .claim("live-worker", &kinds, Duration::seconds(30))
            .await
            .expect("claim")
            .is_none(),
        "a held job is nobody else's"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let taken = queue
        .claim("live-worker", &kinds, Duration::seconds(30))
        .await
        .expect("claim")
        .expect("the abandoned job");
    assert_eq!(taken.id, job.id);
    assert_eq!(taken.attempts, 2);
    assert!(
        !queue.succeed(&dead, "dead-worker", &json!({})).await.expect("write"),
        "the old worker cannot finish a job it lost"
    );
    assert!(
        queue
            .succeed(&taken, "live-worker", &json!({"by": "live"}))
            .await
            .expect("write")
    );
    let done = app.get(&format!("/api/v1/jobs/{}", job.id), &admin.access_token).await;
    assert_eq!(done.body["status"], "succeeded");
    assert_eq!(done.body["result"], json!({"by": "live"}));
}
on_both_databases!(a_job_whose_worker_died_is_taken_over_after_its_lease);

struct AlwaysFails;

#[async_trait::async_trait]
impl JobHandler for AlwaysFails {
    fn kind(&self) -> &'static str {
        "test.fails"
    }

    async fn run(&self, _run: &JobRun) -> Result<Value, JobError> {
        Err(JobError::Retry("the mail server is down".into()))
    }
}

async fn a_failing_job_is_retried_after_a_backoff_until_its_attempts_run_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let pool = Workers::start(app.state.kite.clone(), vec![Arc::new(AlwaysFails)], quick(1));
    // Taken before the job exists: a worker may fail its first attempt before enqueue returns.
    let started = Instant::now();
    let job = app
        .state
        .kite
        .queue()
        .enqueue(
            &app.state.kite.db,
            job_for(&admin, "test.fails", json!({})).max_attempts(2),
        )
        .await
        .expect("enqueue");
    let first = loop {
        let job = app.get(&format!("/api/v1/jobs/{}", job.id), &admin.access_token).await;
        if job.body["attempts"] == 1 && job.body["status"] == "queued" {
            break job.body;
        }
        assert!(started.elapsed().as_secs() < 10, "{}", job.body);
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(first["error"], "the mail server is down");
    let failed = wait_for_status(&app, &admin.access_token, job.id, "failed").await;
    assert_eq!(failed["attempts"], 2);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(2),
        "the retry waited for its backoff"
    );
    pool.shutdown(std::time::Duration::from_secs(5)).await;
}
on_both_databases!(a_failing_job_is_retried_after_a_backoff_until_its_attempts_run_out);

async fn an_idempotency_key_queues_a_job_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let queue = app.state.kite.queue();
    let first = queue
        .enqueue(
            &app.state.kite.db,
            job_for(&admin, "test.once", json!({"n": 1})).idempotency_key("import-42"),
        )
        .await
        .expect("enqueue");
    let second = queue
        .enqueue(
            &app.state.kite.db,
            job_for(&admin, "test.once", json!({"n": 2})).idempotency_key("import-42"),
        )
        .await
        .expect("enqueue");
    assert_eq!(first.id, second.id);
    assert_eq!(app.count_rows("jobs", "WHERE kind = 'test.once'").await, 1);
}
on_both_databases!(an_idempotency_key_queues_a_job_once);

struct Endless;

#[async_trait::async_trait]
impl JobHandler for Endless {
    fn kind(&self) -> &'static str {
        "test.endless"
    }

    async fn run(&self, run: &JobRun) -> Result<Value, JobError> {
        for done in 0.. {
            run.progress(done, Some(1_000_000)).await?;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Ok(json!({}))
    }
}

async fn a_cancelled_job_stops_at_its_next_checkpoint(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let other = app.signup("Other", &unique_email("other")).await;
    let pool = Workers::start(app.state.kite.clone(), vec![Arc::new(Endless)], quick(1));
    let queue = app.state.kite.queue();
    let running = queue
        .enqueue(&app.state.kite.db, job_for(&admin, "test.endless", json!({})))
        .await
        .expect("enqueue");
    let token = &admin.access_token;
    wait_for_status(&app, token, running.id, "running").await;
    // Cancelled only once it has reported progress, so that the check below can see the
    // work stopped partway (a cancel that wins the race with the first report stops at 0).
    let started = Instant::now();
    while app.get(&format!("/api/v1/jobs/{}", running.id), token).await.body["progress"]["done"]
        .as_u64()
        .is_none_or(|d| d == 0)
    {
        assert!(started.elapsed().as_secs() < 15, "the job never reported progress");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let path = format!("/api/v1/jobs/{}/cancel", running.id);
    assert_eq!(
        app.post(&path, Some(&other.access_token), json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.post(&path, Some(token), json!({})).await.status, StatusCode::OK);
    let cancelled = wait_for_status(&app, token, running.id, "cancelled").await;
    assert!(
        cancelled["progress"]["done"].as_u64().is_some_and(|d| d > 0),
        "{cancelled}"
    );

    let later = queue
        .enqueue(
            &app.state.kite.db,
            job_for(&admin, "test.endless", json!({})).run_at(chrono::Utc::now() + Duration::hours(1)),
        )
        .await
        .expect("enqueue");
    let at_once = app
        .post(&format!("/api/v1/jobs/{}/cancel", later.id), Some(token), json!({}))
        .await;
    assert_eq!(at_once.body["status"], "cancelled", "a queued job is cancelled at once");
    pool.shutdown(std::time::Duration::from_secs(5)).await;
}
on_both_databases!(a_cancelled_job_stops_at_its_next_checkpoint);

struct Counts;

#[async_trait::async_trait]
impl JobHandler for Counts {
    fn kind(&self) -> &'static str {
        "test.counts"
    }

    async fn run(&self, run: &JobRun) -> Result<Value, JobError> {
        for done in 1..=3 {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            run.progress(done, Some(3)).await?;
        }
        Ok(json!({"counted": 3}))
    }
}

async fn job_progress_reaches_its_users_event_stream(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let (ticket, mut stream) = app.event_stream(&admin).await;
    assert_eq!(
        stream.headers()["content-type"].to_str().unwrap_or_default(),
        "text/event-stream"
    );
    let reused = app
        .client
        .get(format!("{}/api/v1/events?ticket={ticket}", app.address))
        .send()
        .await
        .expect("request");
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED, "a ticket opens one stream");

    let pool = Workers::start(app.state.kite.clone(), vec![Arc::new(Counts)], quick(1));
    let job = app
        .state
        .kite
        .queue()
        .enqueue(&app.state.kite.db, job_for(&admin, "test.counts", json!({})))
        .await
        .expect("enqueue");
    let text = read_stream_until(&mut stream, "\"status\":\"succeeded\"").await;
    assert!(text.contains("event: job_progress"), "{text}");
    assert!(text.contains(&job.id.to_string()), "{text}");
    assert!(text.contains("\"done\":2"), "progress arrives as it happens: {text}");
    pool.shutdown(std::time::Duration::from_secs(5)).await;
}
on_both_databases!(job_progress_reaches_its_users_event_stream);

async fn a_stopping_pool_hands_its_running_job_to_another_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let stopping = Workers::start(app.state.kite.clone(), vec![Arc::new(Endless)], quick(1));
    let job = app
        .state
        .kite
        .queue()
        .enqueue(&app.state.kite.db, job_for(&admin, "test.endless", json!({})))
        .await
        .expect("enqueue");
    wait_for_status(&app, &admin.access_token, job.id, "running").await;
    let read = || async {
        kite_entity::job::Entity::find_by_id(job.id)
            .one(&app.state.kite.db)
            .await
            .expect("read the job")
            .expect("the job")
    };
    let first_worker = read().await.worker_id;
    stopping.shutdown(std::time::Duration::from_millis(100)).await;

    // The lease is 30 s: only a released job is taken over within the wait below.
    let taking_over = Workers::start(app.state.kite.clone(), vec![Arc::new(Endless)], quick(1));
    let started = Instant::now();
    let row = loop {
        let row = read().await;
        if row.worker_id.is_some() && row.worker_id != first_worker {
            break row;
        }
        assert!(started.elapsed().as_secs() < 5, "the job was not taken over: {row:?}");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    };
    assert_eq!(row.status, "running");
    assert_eq!(row.attempts, 1, "a graceful stop does not use up an attempt");
    taking_over.shutdown(std::time::Duration::from_millis(100)).await;
}
on_both_databases!(a_stopping_pool_hands_its_running_job_to_another_at_once);
