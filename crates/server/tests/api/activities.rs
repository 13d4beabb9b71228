use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn my_tasks_are_grouped_by_the_users_day(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let other = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let now = chrono::Utc::now();
    let task = |subject: &str, due: Option<chrono::DateTime<chrono::Utc>>| json!({"kind": "task", "subject": subject, "due_at": due});
    for (subject, due) in [
        ("Overdue", Some(now - chrono::Duration::days(2))),
        ("Later today", Some(now + chrono::Duration::minutes(1))),
        ("Next week", Some(now + chrono::Duration::days(7))),
        ("Someday", None),
    ] {
        let created = app
            .post("/api/v1/activities", Some(&admin.access_token), task(subject, due))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    app.post(
        "/api/v1/activities",
        Some(&other.access_token),
        task("Not mine", Some(now)),
    )
    .await;
    let done = app
        .post(
            "/api/v1/activities",
            Some(&admin.access_token),
            json!({"subject": "Done already", "due_at": now, "done": true}),
        )
        .await;
    assert!(done.body["done_at"].is_string());

    // A user at UTC+14 is already in tomorrow, unless it is very early in UTC.
    let tasks = app.get("/api/v1/my-tasks", &admin.access_token).await;
    assert_eq!(tasks.status, StatusCode::OK, "{}", tasks.body);
    let subjects = |group: &str| -> Vec<String> {
        tasks.body[group]
            .as_array()
            .expect(group)
            .iter()
            .filter_map(|t| t["subject"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(subjects("overdue"), ["Overdue"]);
    assert_eq!(subjects("upcoming"), ["Next week"]);
    assert_eq!(subjects("someday"), ["Someday"]);
    let today = subjects("today");
    let late_utc_day = now.time() > chrono::NaiveTime::from_hms_opt(23, 58, 0).expect("time");
    if !late_utc_day {
        assert_eq!(today, ["Later today"]);
    }
}
on_both_databases!(my_tasks_are_grouped_by_the_users_day);

async fn activities_link_only_to_the_organizations_records(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let their_contact = app
        .post(
            "/api/v1/contacts",
            Some(&theirs.access_token),
            json!({"first_name": "T"}),
        )
        .await;
    let response = app
        .post(
            "/api/v1/activities",
            Some(&ours.access_token),
            json!({"kind": "call", "subject": "Spy call", "contact_id": their_contact.body["id"]}),
        )
        .await;
    assert_eq!(
        response.field_codes(),
        vec![("contact_id".into(), "unknown_record".into())]
    );
    let blank = app
        .post("/api/v1/activities", Some(&ours.access_token), json!({"subject": " "}))
        .await;
    assert_eq!(blank.field_codes(), vec![("subject".into(), "required".into())]);
    assert_eq!(app.count_rows("activities", "").await, 0);
}
on_both_databases!(activities_link_only_to_the_organizations_records);

async fn a_deal_timeline_shows_activities_notes_moves_and_edits_newest_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let pipelines = app.get("/api/v1/pipelines", &admin.access_token).await;
    let stages = pipelines.body[0]["stages"].clone();
    let deal = app
        .post("/api/v1/deals", Some(&admin.access_token), json!({"title": "Deal"}))
        .await;
    let id = deal.body["id"].as_str().expect("id").to_owned();
    app.post(
        "/api/v1/activities",
        Some(&admin.access_token),
        json!({"kind": "call", "subject": "Intro call", "deal_id": id}),
    )
    .await;
    app.post(
        &format!("/api/v1/deals/{id}/move"),
        Some(&admin.access_token),
        json!({"stage_id": stages[1]["id"]}),
    )
    .await;
    let note = app
        .post(
            &format!("/api/v1/deals/{id}/notes"),
            Some(&admin.access_token),
            json!({"body": "Budget approved"}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.body);
    assert_eq!(note.body["author_name"], "Ada Admin");
    app.call(
        Method::PUT,
        &format!("/api/v1/deals/{id}"),
        Some(&admin.access_token),
        Some(json!({"title": "Bigger deal", "value": {"minor": 5000, "currency": "EUR"}})),
    )
    .await;

    let timeline = app
        .get(&format!("/api/v1/deals/{id}/timeline"), &admin.access_token)
        .await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.body);
    let titles: Vec<&str> = timeline.body["items"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["title"].as_str())
        .collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert!(
        titles[0].starts_with("Changed ") && titles[0].contains("title"),
        "{titles:?}"
    );
    assert_eq!(titles[1], "Note");
    assert_eq!(titles[2], "Moved from Lead in to Qualified");
    assert_eq!(titles[3], "Call: Intro call");
    assert_eq!(titles[4], "Created in Lead in");
    assert_eq!(timeline.body["items"][1]["actor_name"], "Ada Admin");
    assert_eq!(timeline.body["next_cursor"], Value::Null);

    let mut pages = Vec::new();
    let mut path = format!("/api/v1/deals/{id}/timeline?per_page=2");
    loop {
        let page = app.get(&path, &admin.access_token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let titles: Vec<String> = page.body["items"]
            .as_array()
            .expect("entries")
            .iter()
            .filter_map(|e| e["title"].as_str().map(str::to_owned))
            .collect();
        pages.push(titles);
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/deals/{id}/timeline?per_page=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert_eq!(pages[1], ["Moved from Lead in to Qualified", "Call: Intro call"]);
    assert_eq!(pages.concat(), titles, "the pages are the whole timeline, in order");
}
on_both_databases!(a_deal_timeline_shows_activities_notes_moves_and_edits_newest_first);

async fn notes_of_another_organizations_record_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let company: Value = app
        .post(
            "/api/v1/companies",
            Some(&theirs.access_token),
            json!({"name": "Theirs"}),
        )
        .await
        .body;
    let path = format!("/api/v1/companies/{}/notes", company["id"].as_str().expect("id"));
    assert_eq!(
        app.post(&path, Some(&ours.access_token), json!({"body": "hi"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&path, &ours.access_token).await.status, StatusCode::NOT_FOUND);
    let timeline = format!("/api/v1/companies/{}/timeline", company["id"].as_str().expect("id"));
    assert_eq!(
        app.get(&timeline, &ours.access_token).await.status,
        StatusCode::NOT_FOUND
    );
    let wrong_kind = app
        .get(
            "/api/v1/users/00000000-0000-0000-0000-000000000000/notes",
            &ours.access_token,
        )
        .await;
    assert_eq!(wrong_kind.status, StatusCode::NOT_FOUND);
}
on_both_databases!(notes_of_another_organizations_record_are_not_found);
