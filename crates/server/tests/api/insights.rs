use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::time::Instant;

/// Reads the contact until it carries a score (scoring runs in the background).
async fn scored_contact(app: &TestApp, session: &Session, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let contact = app.get(&format!("/api/v1/contacts/{id}"), &session.access_token).await;
        if !contact.body["score"].is_null() {
            return contact.body;
        }
        assert!(started.elapsed().as_secs() < 20, "never scored: {}", contact.body);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn a_new_contact_is_scored_by_rules_until_there_is_history_to_learn_from(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let ada = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Ada", "title": "CEO", "source": "referral"}),
        )
        .await;
    assert_eq!(ada.status, StatusCode::CREATED, "{}", ada.body);
    let contact = scored_contact(&app, &admin, ada.body["id"].as_str().unwrap_or_default()).await;
    let score = &contact["score"];
    assert_eq!(score["method"], "rules");
    assert!((1..=99).contains(&score["value"].as_i64().unwrap_or(0)), "{score}");
    assert!(!score["factors"].as_array().is_none_or(Vec::is_empty), "{score}");

    app.settle_jobs().await;
    let models = app.get("/api/v1/insights/models", &admin.access_token).await;
    assert_eq!(models.status, StatusCode::OK);
    let models = models.body["models"].as_array().cloned().unwrap_or_default();
    assert_eq!(models.len(), 2, "{models:?}");
    assert!(models.iter().all(|m| m["method"] == "rules" && m["note"].is_string()));
}
on_both_databases!(a_new_contact_is_scored_by_rules_until_there_is_history_to_learn_from);

async fn managers_retrain_and_reps_and_viewers_may_not(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    for who in [&rep, &viewer] {
        let refused = app
            .post("/api/v1/insights/models/train", Some(&who.access_token), json!({}))
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    }
    let queued = app
        .post("/api/v1/insights/models/train", Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(queued.status, StatusCode::ACCEPTED, "{}", queued.body);
    assert_eq!(queued.body["kind"], "insights.train");
    app.settle_jobs().await;
    let models = app.get("/api/v1/insights/models", &rep.access_token).await;
    assert_eq!(
        models.body["models"].as_array().map(Vec::len),
        Some(2),
        "{}",
        models.body
    );
    assert!(models.body["training_job"].is_null());
}
on_both_databases!(managers_retrain_and_reps_and_viewers_may_not);

async fn another_organizations_models_are_never_shown(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let other = app.signup("Other", &unique_email("other")).await;
    app.post("/api/v1/insights/models/train", Some(&admin.access_token), json!({}))
        .await;
    app.settle_jobs().await;
    let own = app.get("/api/v1/insights/models", &admin.access_token).await;
    assert_eq!(own.body["models"].as_array().map(Vec::len), Some(2), "{}", own.body);
    let theirs = app.get("/api/v1/insights/models", &other.access_token).await;
    assert_eq!(theirs.body["models"], json!([]), "{}", theirs.body);
}
on_both_databases!(another_organizations_models_are_never_shown);

async fn contacts_sort_and_filter_by_score_with_unscored_ones_last(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for (name, lifecycle, title) in [
        ("Sub", "subscriber", None),
        ("Cus", "customer", Some("CEO")),
        ("Lea", "lead", None),
    ] {
        let created = app
            .post(
                "/api/v1/contacts",
                Some(&admin.access_token),
                json!({"first_name": name, "lifecycle_stage": lifecycle, "title": title}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        scored_contact(&app, &admin, created.body["id"].as_str().unwrap_or_default()).await;
    }
    app.settle_jobs().await;
    // A contact the scorer has not reached yet has no score; it sorts last both ways.
    app.state
        .kite
        .db
        .execute_unprepared("UPDATE contacts SET score = NULL, score_detail = NULL WHERE first_name = 'Lea'")
        .await
        .expect("unscore");

    let names = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .map(|items| {
                items
                    .iter()
                    .map(|c| c["first_name"].as_str().unwrap_or_default().to_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let down = app.get("/api/v1/contacts?sort=-score", &admin.access_token).await;
    assert_eq!(down.status, StatusCode::OK, "{}", down.body);
    assert_eq!(names(&down.body), ["Cus", "Sub", "Lea"]);
    let up = app.get("/api/v1/contacts?sort=score", &admin.access_token).await;
    assert_eq!(names(&up.body), ["Sub", "Cus", "Lea"]);

    let first = app
        .get("/api/v1/contacts?sort=-score&per_page=2", &admin.access_token)
        .await;
    let cursor = first.body["next_cursor"].as_str().unwrap_or_default().to_owned();
    let rest = app
        .get(
            &format!("/api/v1/contacts?sort=-score&per_page=2&cursor={cursor}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(names(&rest.body), ["Lea"], "{}", rest.body);

    let middle = down.body["items"][1]["score"]["value"].as_i64().unwrap_or_default() + 1;
    let high = app
        .get(
            &format!("/api/v1/contacts?min_score={middle}&total=true"),
            &admin.access_token,
        )
        .await;
    assert_eq!(names(&high.body), ["Cus"]);
    assert_eq!(high.body["total"], 1);
    let low = app
        .get(
            &format!("/api/v1/contacts?max_score={}", middle - 1),
            &admin.access_token,
        )
        .await;
    assert_eq!(names(&low.body), ["Sub"]);
}
on_both_databases!(contacts_sort_and_filter_by_score_with_unscored_ones_last);

async fn a_score_range_off_the_scale_upside_down_or_not_a_number_is_refused_by_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for (path, field) in [
        ("/api/v1/contacts?min_score=101", "min_score"),
        ("/api/v1/contacts?max_score=-1", "max_score"),
        ("/api/v1/deals?min_score=70&max_score=20", "max_score"),
        ("/api/v1/contacts?min_score=high", "min_score"),
        ("/api/v1/deals?max_score=", "max_score"),
    ] {
        let refused = app.get(path, &admin.access_token).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            refused.body
        );
        let fields: Vec<String> = refused.field_codes().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, [field], "{path}");
    }
}
on_both_databases!(a_score_range_off_the_scale_upside_down_or_not_a_number_is_refused_by_field);
