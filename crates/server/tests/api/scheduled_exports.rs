use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use kite_entity::outbox_message;
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

fn daily_at(time: &str, filters: &str) -> Value {
    json!({
        "name": "VIP contacts",
        "entity": "contacts",
        "format": "csv",
        "filters": filters,
        "schedule": {"frequency": "daily", "time": time, "time_zone": "Europe/Berlin"},
        "recipients": ["Boss@Example.com", "ops@example.com"],
    })
}

async fn contact(app: &TestApp, session: &Session, first: &str, tags: &[&str]) {
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&session.access_token),
            json!({"first_name": first, "last_name": "Test", "email": unique_email(first), "tags": tags}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
}

/// Schedules `body` as `session` and returns the schedule's id.
async fn schedule(app: &TestApp, session: &Session, body: Value) -> String {
    let created = app
        .post("/api/v1/scheduled-exports", Some(&session.access_token), body)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

/// Runs the export now and waits until its job is done.
async fn run_now(app: &TestApp, session: &Session, id: &str) {
    let started = app
        .post(
            &format!("/api/v1/scheduled-exports/{id}/run"),
            Some(&session.access_token),
            json!({}),
        )
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.body);
    app.settle_jobs().await;
}

async fn runs(app: &TestApp, session: &Session, id: &str) -> Value {
    app.get(&format!("/api/v1/scheduled-exports/{id}/runs"), &session.access_token)
        .await
        .body["items"]
        .clone()
}

fn time(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .expect("a time")
}

async fn a_scheduled_export_runs_when_due_and_emails_its_file_to_the_recipients(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    contact(&app, &admin, "Vera", &["vip"]).await;
    contact(&app, &admin, "Otto", &[]).await;
    let created = app
        .post(
            "/api/v1/scheduled-exports",
            Some(&admin.access_token),
            daily_at("07:30", "tag=vip"),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        created.body["recipients"],
        json!(["boss@example.com", "ops@example.com"])
    );
    let id = created.body["id"].as_str().expect("id").to_owned();
    let due = time(&created.body["next_run_at"]);
    assert!(due > Utc::now() && due <= Utc::now() + Duration::days(1), "{due}");

    let exports = app.state.kite.scheduled_exports();
    assert_eq!(
        exports.queue_due(due - Duration::seconds(1)).await.expect("tick"),
        0,
        "not due yet"
    );
    assert_eq!(exports.queue_due(due).await.expect("tick"), 1);
    // A second server ticking at the same moment queues nothing more.
    assert_eq!(exports.queue_due(due).await.expect("tick"), 0);
    app.settle_jobs().await;

    let mail = outbox_message::Entity::find()
        .filter(outbox_message::Column::Category.eq("scheduled_export"))
        .all(&app.state.kite.db)
        .await
        .expect("outbox");
    assert_eq!(mail.len(), 1);
    assert!(
        mail[0].to_addresses.to_string().contains("boss@example.com"),
        "{}",
        mail[0].to_addresses
    );
    let attachment = &mail[0].attachments[0];
    assert!(
        attachment["filename"].as_str().expect("name").ends_with(".csv"),
        "{attachment}"
    );
    let content = base64::engine::general_purpose::STANDARD
        .decode(attachment["content"].as_str().expect("content"))
        .expect("base64");
    let text = String::from_utf8(content).expect("utf-8");
    assert!(text.contains("Vera"), "{text}");
    assert!(!text.contains("Otto"), "the list's filter applies: {text}");

    let runs = runs(&app, &admin, &id).await;
    assert_eq!(runs[0]["status"], "succeeded", "{runs}");
    assert_eq!(runs[0]["rows"], 1);
    assert_eq!(runs[0]["attached"], true);
    assert_eq!(runs[0]["downloadable"], true);
    let file = app
        .client
        .get(format!(
            "{}/api/v1/export-runs/{}/file",
            app.address,
            runs[0]["id"].as_str().expect("run")
        ))
        .bearer_auth(&admin.access_token)
        .send()
        .await
        .expect("download");
    assert_eq!(file.status(), StatusCode::OK);
    assert!(file.text().await.expect("body").contains("Vera"));

    let after = app
        .get(&format!("/api/v1/scheduled-exports/{id}"), &admin.access_token)
        .await;
    let next = time(&after.body["next_run_at"]);
    // A day on, give or take a daylight-saving hour.
    assert!(
        next > due + Duration::hours(22) && next < due + Duration::hours(26),
        "{due} → {next}"
    );
}
on_both_databases!(a_scheduled_export_runs_when_due_and_emails_its_file_to_the_recipients);

async fn a_run_file_is_gone_after_thirty_days(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    contact(&app, &admin, "Vera", &[]).await;
    let id = schedule(&app, &admin, daily_at("07:30", "")).await;
    run_now(&app, &admin, &id).await;
    let run = runs(&app, &admin, &id).await[0]["id"].as_str().expect("run").to_owned();
    let removed = app
        .state
        .kite
        .scheduled_exports()
        .remove_expired_files(Utc::now() + Duration::days(31))
        .await
        .expect("cleanup");
    assert_eq!(removed, 1);
    let file = app
        .get(&format!("/api/v1/export-runs/{run}/file"), &admin.access_token)
        .await;
    assert_eq!(file.status, StatusCode::GONE, "{}", file.body);
    assert_eq!(runs(&app, &admin, &id).await[0]["downloadable"], false);
}
on_both_databases!(a_run_file_is_gone_after_thirty_days);

async fn a_bad_schedule_names_the_wrong_field_and_saves_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let cases = [
        (
            json!({"frequency": "daily", "time": "25:00", "time_zone": "UTC"}),
            "schedule",
            "time",
        ),
        (
            json!({"frequency": "daily", "time": "08:00", "time_zone": "Mars/Base"}),
            "schedule",
            "time_zone",
        ),
        (
            json!({"frequency": "weekly", "time": "08:00", "time_zone": "UTC"}),
            "schedule",
            "weekday",
        ),
        (
            json!({"frequency": "cron", "cron": "every day", "time_zone": "UTC"}),
            "schedule",
            "cron",
        ),
    ];
    for (schedule, _, field) in cases {
        let mut body = daily_at("08:00", "");
        body["schedule"] = schedule;
        let refused = app
            .post("/api/v1/scheduled-exports", Some(&admin.access_token), body)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
        assert!(
            refused.field_codes().iter().any(|(f, _)| f == field),
            "{field}: {}",
            refused.body
        );
    }
    let mut bad_filter = daily_at("08:00", "per_page=lots");
    bad_filter["entity"] = json!("deals");
    let refused = app
        .post("/api/v1/scheduled-exports", Some(&admin.access_token), bad_filter)
        .await;
    assert_eq!(refused.field_codes()[0].0, "filters", "{}", refused.body);
    let mut bad_recipient = daily_at("08:00", "");
    bad_recipient["recipients"] = json!(["ann@example.com", "not-an-email"]);
    let refused = app
        .post("/api/v1/scheduled-exports", Some(&admin.access_token), bad_recipient)
        .await;
    assert_eq!(refused.field_codes()[0].0, "recipients[1]", "{}", refused.body);
    assert_eq!(app.count_rows("scheduled_exports", "").await, 0);
}
on_both_databases!(a_bad_schedule_names_the_wrong_field_and_saves_nothing);

async fn only_managers_and_admins_schedule_exports(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let refused = app
        .post(
            "/api/v1/scheduled-exports",
            Some(&rep.access_token),
            daily_at("08:00", ""),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/scheduled-exports", &rep.access_token).await.status,
        StatusCode::FORBIDDEN
    );
    let created = app
        .post(
            "/api/v1/scheduled-exports",
            Some(&manager.access_token),
            daily_at("08:00", ""),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_str().expect("id");
    let mut weekly = daily_at("09:00", "");
    weekly["schedule"] = json!({"frequency": "weekly", "time": "09:00", "weekday": 1, "time_zone": "America/New_York"});
    let updated = app
        .put(
            &format!("/api/v1/scheduled-exports/{id}"),
            &manager.access_token,
            weekly,
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    let next = time(&updated.body["next_run_at"]);
    assert_eq!(
        next.format("%u %H:%M").to_string().chars().next(),
        Some('1'),
        "a Monday: {next}"
    );
    let deleted = app
        .delete(&format!("/api/v1/scheduled-exports/{id}"), &manager.access_token)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    let listed = app.get("/api/v1/scheduled-exports", &admin.access_token).await;
    assert_eq!(listed.body["items"], json!([]));
}
on_both_databases!(only_managers_and_admins_schedule_exports);

async fn a_run_whose_creator_was_deactivated_fails_and_says_why(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let id = schedule(&app, &manager, daily_at("08:00", "")).await;
    let deactivated = app
        .patch(
            &format!("/api/v1/users/{}", manager.user_id),
            &admin.access_token,
            json!({"active": false}),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.body);
    run_now(&app, &admin, &id).await;
    let runs = runs(&app, &admin, &id).await;
    assert_eq!(runs[0]["status"], "failed", "{runs}");
    assert_eq!(runs[0]["error"], "The user who set this up is no longer active.");
    assert_eq!(
        app.count_rows("outbox_messages", "WHERE category = 'scheduled_export'")
            .await,
        0
    );
}
on_both_databases!(a_run_whose_creator_was_deactivated_fails_and_says_why);

async fn another_organizations_schedules_runs_and_files_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let stranger = app.signup("Globex", &unique_email("admin")).await;
    contact(&app, &admin, "Vera", &[]).await;
    let id = schedule(&app, &admin, daily_at("07:30", "")).await;
    run_now(&app, &admin, &id).await;
    let run = runs(&app, &admin, &id).await[0]["id"].as_str().expect("run").to_owned();
    let token = &stranger.access_token;
    for path in [
        format!("/api/v1/scheduled-exports/{id}"),
        format!("/api/v1/scheduled-exports/{id}/runs"),
        format!("/api/v1/export-runs/{run}/file"),
    ] {
        assert_eq!(app.get(&path, token).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let path = format!("/api/v1/scheduled-exports/{id}");
    assert_eq!(
        app.put(&path, token, daily_at("09:00", "")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.delete(&path, token).await.status, StatusCode::NOT_FOUND);
    let run_path = format!("{path}/run");
    assert_eq!(
        app.post(&run_path, Some(token), json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/scheduled-exports", token).await.body["items"],
        json!([])
    );
    let kept = app.get(&path, &admin.access_token).await;
    assert_eq!(kept.body["schedule"]["time"], "07:30", "the stranger changed nothing");
}
on_both_databases!(another_organizations_schedules_runs_and_files_are_not_found);
