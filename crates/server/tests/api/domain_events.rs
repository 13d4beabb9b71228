use crate::helpers::{Backend, Session, TestApp, read_stream_until, unique_email};
use crate::on_both_databases;
use kite_core::audit::{self, Actor, Event};
use kite_entity::{domain_event, job};
use kite_jobs::{WorkerConfig, Workers};
use kite_shared::{OrganizationId, UserId};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The kinds of the domain events written about one record, oldest first.
async fn kinds_of(app: &TestApp, entity_id: &str) -> Vec<String> {
    let id: uuid::Uuid = entity_id.parse().expect("a uuid");
    domain_event::Entity::find()
        .filter(domain_event::Column::EntityId.eq(id))
        .order_by_asc(domain_event::Column::Id)
        .all(&app.state.kite.db)
        .await
        .expect("query")
        .into_iter()
        .map(|event| event.kind)
        .collect()
}

async fn new_contact(app: &TestApp, session: &Session, first_name: &str) -> Value {
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&session.access_token),
            json!({"first_name": first_name, "last_name": "Lovelace"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body
}

fn actor(session: &Session) -> Actor {
    Actor {
        organization_id: session.organization_id.parse().ok().map(OrganizationId),
        user_id: session.user_id.parse().ok().map(UserId),
        label: Some("Test".into()),
        ..Actor::default()
    }
}

async fn a_domain_event_exists_exactly_when_its_change_commits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let contact = new_contact(&app, &admin, "Ada").await;
    let id = contact["id"].as_str().expect("id").to_owned();
    let kite = &app.state.kite;

    let rolled_back = kite.begin().await.expect("begin");
    audit::record(
        &*rolled_back,
        &actor(&admin),
        Event::new("contact.updated", "contact", &id).after(json!({"first_name": "Never"})),
    )
    .await
    .expect("record");
    drop(rolled_back);
    assert_eq!(kinds_of(&app, &id).await, ["contact.created"]);

    let committed = kite.begin().await.expect("begin");
    audit::record(
        &*committed,
        &actor(&admin),
        Event::new("contact.updated", "contact", &id).after(json!({"first_name": "Augusta"})),
    )
    .await
    .expect("record");
    committed.commit().await.expect("commit");
    assert_eq!(kinds_of(&app, &id).await, ["contact.created", "contact.updated"]);
}
on_both_databases!(a_domain_event_exists_exactly_when_its_change_commits);

async fn a_refused_change_announces_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let contact = new_contact(&app, &admin, "Ada").await;
    let id = contact["id"].as_str().expect("id");
    let other = new_contact(&app, &admin, "Grace").await;
    let taken = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Taken", "email": "taken@example.com"}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CREATED);
    let duplicate = app
        .put(
            &format!("/api/v1/contacts/{id}"),
            &admin.access_token,
            json!({"first_name": "Ada", "last_name": "Lovelace", "email": "taken@example.com"}),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.body);
    assert_eq!(kinds_of(&app, id).await, ["contact.created"]);
    assert_eq!(
        kinds_of(&app, other["id"].as_str().expect("id")).await,
        ["contact.created"]
    );
}
on_both_databases!(a_refused_change_announces_nothing);

async fn a_deal_won_on_the_board_announces_the_stage_change_and_the_win(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let pipelines = app.get("/api/v1/pipelines", &admin.access_token).await;
    let stages = pipelines.body[0]["stages"].as_array().expect("stages").clone();
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&admin.access_token),
            json!({"title": "Big one", "value": {"minor": 100_000, "currency": "EUR"}}),
        )
        .await;
    let id = deal.body["id"].as_str().expect("id");
    let won = stages.iter().find(|s| s["kind"] == "won").expect("a won stage");
    let moved = app
        .post(
            &format!("/api/v1/deals/{id}/move"),
            Some(&admin.access_token),
            json!({"stage_id": won["id"]}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(
        kinds_of(&app, id).await,
        ["deal.created", "deal.stage_changed", "deal.won"]
    );
}
on_both_databases!(a_deal_won_on_the_board_announces_the_stage_change_and_the_win);

async fn a_record_change_reaches_the_organizations_live_stream(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let (_, mut stream) = app.event_stream(&rep).await;

    let other = app.signup("Globex", &unique_email("admin")).await;
    let (_, mut other_stream) = app.event_stream(&other).await;

    let contact = new_contact(&app, &admin, "Ada").await;
    let id = contact["id"].as_str().expect("id");
    let text = read_stream_until(&mut stream, id).await;
    assert!(text.contains("event: record_changed"), "{text}");
    assert!(text.contains("\"event\":\"contact.created\""), "{text}");

    // The other organization hears of its own change, and of nothing before it.
    let theirs = new_contact(&app, &other, "Hank").await;
    let their_text = read_stream_until(&mut other_stream, theirs["id"].as_str().expect("id")).await;
    assert!(
        !their_text.contains(id),
        "another organization heard of the change: {their_text}"
    );
}
on_both_databases!(a_record_change_reaches_the_organizations_live_stream);

async fn every_event_is_handed_to_its_subscribers_once_across_instances(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    // Two more pools stand for two more instances dispatching from the same database.
    let quick = WorkerConfig {
        workers: 1,
        poll: std::time::Duration::from_millis(10),
        ..WorkerConfig::default()
    };
    let pools: Vec<Workers> = (0..2)
        .map(|_| Workers::start(app.state.kite.clone(), kite_jobs::kinds::all(), quick.clone()))
        .collect();
    let mut ids = Vec::new();
    for n in 0..30 {
        ids.push(new_contact(&app, &admin, &format!("Ada {n}")).await["id"].clone());
    }
    app.settle_jobs().await;
    let started = Instant::now();
    while app.count_rows("domain_events", "WHERE dispatched_at IS NULL").await > 0 {
        assert!(started.elapsed() < Duration::from_secs(10), "events left undispatched");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.settle_jobs().await;

    let mut handed: HashMap<String, usize> = HashMap::new();
    for job in job::Entity::find()
        .filter(job::Column::Kind.eq("events.publish"))
        .all(&app.state.kite.db)
        .await
        .expect("query")
    {
        let payload: Value = serde_json::from_str(&job.payload).expect("a typed payload");
        for event in payload["event_ids"].as_array().expect("event ids") {
            *handed.entry(event.as_str().expect("id").to_owned()).or_default() += 1;
        }
    }
    let events = app.count_rows("domain_events", "").await;
    assert_eq!(handed.len() as i64, events, "every event was handed out");
    assert!(
        handed.values().all(|n| *n == 1),
        "an event was handed out twice: {handed:?}"
    );
    assert_eq!(
        app.count_rows("jobs", "WHERE kind = 'events.publish' AND status <> 'succeeded'")
            .await,
        0
    );
    for pool in pools {
        pool.shutdown(std::time::Duration::from_secs(5)).await;
    }
}
on_both_databases!(every_event_is_handed_to_its_subscribers_once_across_instances);
