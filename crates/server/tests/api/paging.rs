//! The one page shape of every list: cursors that walk a whole list once, in order, on
//! both databases (NULLs last in both directions), and the 422s for what cannot be a page.

use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Every row of `path` (a list's URL with its query), read `per_page` at a time by
/// cursor, as ids; and the pages' totals, which must all be the same.
async fn walk(app: &TestApp, token: &str, path: &str, per_page: u64) -> Vec<String> {
    let joiner = if path.contains('?') { '&' } else { '?' };
    let first = format!("{path}{joiner}per_page={per_page}");
    let mut url = first.clone();
    let mut ids = Vec::new();
    let mut total = None;
    for _ in 0..1000 {
        let page = app.get(&url, token).await;
        assert_eq!(page.status, StatusCode::OK, "{url}: {}", page.body);
        let items = page.body["items"].as_array().expect("items");
        assert!(items.len() as u64 <= per_page, "{url}");
        ids.extend(items.iter().map(|i| i["id"].as_str().expect("id").to_owned()));
        match &total {
            None => total = Some(page.body["total"].clone()),
            Some(t) => assert_eq!(t, &page.body["total"], "{url}"),
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => url = format!("{first}&cursor={cursor}"),
            None => return ids,
        }
    }
    panic!("{path} did not end");
}

async fn create(app: &TestApp, token: &str, path: &str, body: Value) -> String {
    let created = app.post(path, Some(token), body).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["id"].as_str().expect("id").to_owned()
}

/// Rows as (sort value, id): ascending by value then id, NULLs last; or all of it
/// reversed except that the NULLs stay last (by id descending).
fn expected(rows: &[(Option<String>, String)], descending: bool) -> Vec<String> {
    let mut valued: Vec<&(Option<String>, String)> = rows.iter().filter(|(v, _)| v.is_some()).collect();
    let mut nulls: Vec<&(Option<String>, String)> = rows.iter().filter(|(v, _)| v.is_none()).collect();
    valued.sort();
    nulls.sort();
    if descending {
        valued.reverse();
        nulls.reverse();
    }
    valued.into_iter().chain(nulls).map(|(_, id)| id.clone()).collect()
}

async fn paging_a_whole_list_by_cursor_returns_every_row_once_in_order_with_nulls_last(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = admin.access_token.as_str();
    // Ties on the last name, and contacts without an email: the order must still be one.
    let people: [(&str, &str, Option<&str>); 10] = [
        ("ann", "smith", Some("ann")),
        ("bea", "jones", None),
        ("cal", "smith", Some("cal")),
        ("dee", "adams", None),
        ("eli", "smith", None),
        ("fox", "brown", Some("fox")),
        ("gil", "jones", Some("gil")),
        ("hal", "smith", Some("bob")),
        ("ivy", "clark", None),
        ("joe", "adams", Some("zed")),
    ];
    let mut by_last = Vec::new();
    let mut by_email = Vec::new();
    for (first, last, email) in people {
        let email = email.map(|e| format!("{e}@example.com"));
        let id = create(
            &app,
            token,
            "/api/v1/contacts",
            json!({"first_name": first, "last_name": last, "email": email}),
        )
        .await;
        by_last.push((Some(last.to_owned()), id.clone()));
        by_email.push((email, id));
    }
    for per_page in [1, 3, 200] {
        for (sort, rows, descending) in [
            ("last_name", &by_last, false),
            ("-last_name", &by_last, true),
            ("email", &by_email, false),
            ("-email", &by_email, true),
        ] {
            let walked = walk(&app, token, &format!("/api/v1/contacts?sort={sort}"), per_page).await;
            assert_eq!(walked, expected(rows, descending), "sort={sort} per_page={per_page}");
        }
    }

    // Dates (a deal's expected close) and timestamps (an activity's due time) with NULLs.
    let mut by_close = Vec::new();
    let mut by_due = Vec::new();
    for (i, close) in [Some("2026-03-01"), None, Some("2026-01-15"), Some("2026-03-01"), None]
        .into_iter()
        .enumerate()
    {
        let id = create(
            &app,
            token,
            "/api/v1/deals",
            json!({"title": format!("deal {i}"), "expected_close": close}),
        )
        .await;
        by_close.push((close.map(str::to_owned), id));
        let due = close.map(|c| format!("{c}T09:00:00Z"));
        let id = create(
            &app,
            token,
            "/api/v1/activities",
            json!({"kind": "task", "subject": format!("task {i}"), "due_at": due}),
        )
        .await;
        by_due.push((due, id));
    }
    for per_page in [1, 2] {
        for (path, rows, descending) in [
            ("/api/v1/deals?sort=expected_close", &by_close, false),
            ("/api/v1/deals?sort=-expected_close", &by_close, true),
            ("/api/v1/activities?sort=due_at", &by_due, false),
            ("/api/v1/activities?sort=-due_at", &by_due, true),
        ] {
            let walked = walk(&app, token, path, per_page).await;
            assert_eq!(walked, expected(rows, descending), "{path} per_page={per_page}");
        }
    }
}
on_both_databases!(paging_a_whole_list_by_cursor_returns_every_row_once_in_order_with_nulls_last);

async fn contact(app: &TestApp, session: &Session, last: &str) -> String {
    create(
        app,
        &session.access_token,
        "/api/v1/contacts",
        json!({"first_name": "Test", "last_name": last}),
    )
    .await
}

async fn rows_added_or_removed_between_pages_are_neither_skipped_nor_repeated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = admin.access_token.as_str();
    let mut ids = std::collections::HashMap::new();
    for last in ["berg", "cole", "dunn", "egan", "ford", "gray"] {
        ids.insert(last, contact(&app, &admin, last).await);
    }
    let names = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|c| c["last_name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let first = app.get("/api/v1/contacts?sort=last_name&per_page=2", token).await;
    assert_eq!(names(&first.body), ["berg", "cole"]);
    // Before the cursor, after it, and a seen and an unseen row removed.
    contact(&app, &admin, "adams").await;
    contact(&app, &admin, "cruz").await;
    for gone in ["berg", "dunn"] {
        let deleted = app.delete(&format!("/api/v1/contacts/{}", ids[gone]), token).await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    }
    let mut rest = Vec::new();
    let mut cursor = first.body["next_cursor"].as_str().expect("more").to_owned();
    loop {
        let page = app
            .get(
                &format!("/api/v1/contacts?sort=last_name&per_page=2&cursor={cursor}"),
                token,
            )
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        rest.extend(names(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(rest, ["cruz", "egan", "ford", "gray"]);
}
on_both_databases!(rows_added_or_removed_between_pages_are_neither_skipped_nor_repeated);

/// One path of every kind of list, as `session` may read it.
async fn every_list(app: &TestApp, session: &Session) -> Vec<String> {
    let token = session.access_token.as_str();
    let contact = contact(app, session, "lovelace").await;
    let deal = create(app, token, "/api/v1/deals", json!({"title": "Upgrade"})).await;
    let schedule = create(
        app,
        token,
        "/api/v1/scheduled-exports",
        json!({
            "name": "Weekly", "entity": "contacts", "format": "csv", "filters": "",
            "schedule": {"frequency": "daily", "time": "08:00", "time_zone": "UTC"},
            "recipients": ["boss@example.com"],
        }),
    )
    .await;
    [
        "/api/v1/contacts?sort=-created_at".to_owned(),
        "/api/v1/companies".to_owned(),
        "/api/v1/deals".to_owned(),
        "/api/v1/activities".to_owned(),
        "/api/v1/users".to_owned(),
        "/api/v1/audit-log".to_owned(),
        "/api/v1/outbox".to_owned(),
        "/api/v1/trash?kind=deal".to_owned(),
        "/api/v1/search?q=lo".to_owned(),
        "/api/v1/imports".to_owned(),
        "/api/v1/scheduled-exports".to_owned(),
        format!("/api/v1/scheduled-exports/{schedule}/runs"),
        format!("/api/v1/contacts/{contact}/notes"),
        format!("/api/v1/contacts/{contact}/timeline"),
        format!("/api/v1/deals/{deal}/history"),
    ]
    .into()
}

fn with(path: &str, pair: &str) -> String {
    let joiner = if path.contains('?') { '&' } else { '?' };
    format!("{path}{joiner}{pair}")
}

async fn a_page_size_of_zero_or_over_the_maximum_is_refused_naming_per_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for path in every_list(&app, &admin).await {
        let most = app.get(&with(&path, "per_page=200"), &admin.access_token).await;
        assert_eq!(most.status, StatusCode::OK, "{path}: {}", most.body);
        for refused in ["per_page=201", "per_page=0", "per_page=100000"] {
            let answer = app.get(&with(&path, refused), &admin.access_token).await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {refused}: {}",
                answer.body
            );
            assert_eq!(
                answer.field_codes()[0].0,
                "per_page",
                "{path} {refused}: {}",
                answer.body
            );
        }
    }
}
on_both_databases!(a_page_size_of_zero_or_over_the_maximum_is_refused_naming_per_page);

fn encoded(json: &Value) -> String {
    URL_SAFE_NO_PAD.encode(json.to_string())
}

async fn a_malformed_or_tampered_cursor_is_refused_naming_cursor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let id = uuid::Uuid::now_v7();
    let tampered = [
        "not-a-cursor".to_owned(),
        "%00%FF".to_owned(),
        URL_SAFE_NO_PAD.encode("{\"list\":"),
        encoded(&json!({"list": "contacts", "sort": "-created_at", "value": 12, "id": id})),
        encoded(&json!({"list": "contacts", "sort": "-created_at", "value": "yesterday", "id": id})),
        encoded(&json!({"list": "contacts", "sort": "-created_at", "value": null, "id": id})),
        encoded(&json!({"list": "contacts", "sort": "-created_at", "value": "2026-01-01T00:00:00Z", "id": "x"})),
        "A".repeat(5000),
    ];
    for path in every_list(&app, &admin).await {
        for cursor in &tampered {
            let answer = app
                .get(&with(&path, &format!("cursor={cursor}")), &admin.access_token)
                .await;
            assert_eq!(
                answer.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {cursor}: {}",
                answer.body
            );
            assert_eq!(answer.field_codes()[0].0, "cursor", "{path} {cursor}: {}", answer.body);
        }
    }
    // A cursor of the right shape and types is only a place in the list.
    let shaped =
        encoded(&json!({"list": "contacts", "sort": "-created_at", "value": "2000-01-01T00:00:00Z", "id": id}));
    let answer = app
        .get(
            &format!("/api/v1/contacts?sort=-created_at&cursor={shaped}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["items"], json!([]));
}
on_both_databases!(a_malformed_or_tampered_cursor_is_refused_naming_cursor);

async fn a_cursor_made_for_another_sort_or_list_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = admin.access_token.as_str();
    for last in ["adams", "brown"] {
        contact(&app, &admin, last).await;
    }
    create(&app, token, "/api/v1/companies", json!({"name": "Acme"})).await;
    let page = app.get("/api/v1/contacts?sort=last_name&per_page=1", token).await;
    let cursor = page.body["next_cursor"].as_str().expect("a second page");
    for other in [
        "/api/v1/contacts?sort=-last_name",
        "/api/v1/contacts?sort=first_name",
        "/api/v1/contacts?sort=-created_at",
        "/api/v1/companies?sort=name",
        "/api/v1/companies",
        "/api/v1/audit-log",
    ] {
        let answer = app.get(&with(other, &format!("cursor={cursor}")), token).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{other}: {}",
            answer.body
        );
        assert_eq!(answer.field_codes()[0].0, "cursor", "{other}: {}", answer.body);
    }
    let same = app
        .get(
            &format!("/api/v1/contacts?sort=last_name&per_page=1&cursor={cursor}"),
            token,
        )
        .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.body);
    assert_eq!(same.body["items"][0]["last_name"], "brown");
}
on_both_databases!(a_cursor_made_for_another_sort_or_list_is_refused);

async fn the_total_is_left_out_when_declined_and_kept_fresh_when_counted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = admin.access_token.as_str();
    contact(&app, &admin, "adams").await;
    let counted = app.get("/api/v1/contacts", token).await;
    assert_eq!(counted.body["total"], 1);
    let declined = app.get("/api/v1/contacts?total=false", token).await;
    assert_eq!(declined.body["total"], Value::Null);
    assert_eq!(declined.body["items"].as_array().map(Vec::len), Some(1));
    // The cached total follows writes.
    contact(&app, &admin, "brown").await;
    assert_eq!(app.get("/api/v1/contacts", token).await.body["total"], 2);
    let bad = app.get("/api/v1/contacts?total=maybe", token).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
}
on_both_databases!(the_total_is_left_out_when_declined_and_kept_fresh_when_counted);
