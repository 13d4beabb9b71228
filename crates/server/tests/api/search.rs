use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn search_finds_contacts_companies_and_deals_of_the_organization_only(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    app.post(
        "/api/v1/contacts",
        Some(&ours.access_token),
        json!({"first_name": "Ada", "last_name": "Lovelace", "email": "ada@analytical.io"}),
    )
    .await;
    app.post(
        "/api/v1/companies",
        Some(&ours.access_token),
        json!({"name": "Analytical Engines", "domain": "analytical.io"}),
    )
    .await;
    app.post(
        "/api/v1/deals",
        Some(&ours.access_token),
        json!({"title": "Analytical engine upgrade"}),
    )
    .await;
    app.post(
        "/api/v1/contacts",
        Some(&theirs.access_token),
        json!({"first_name": "Analytical", "last_name": "Spy"}),
    )
    .await;

    let results = app.get("/api/v1/search?q=ANALYT", &ours.access_token).await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.body);
    let hits = results.body["items"].as_array().expect("hits");
    assert_eq!(
        hits.iter()
            .map(|h| h["kind"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["company", "deal"],
        "not their contact, whose first name starts so"
    );
    assert_eq!(results.body["total"], Value::Null, "the search counts only when asked");
    let counted = app.get("/api/v1/search?q=ANALYT&total=true", &ours.access_token).await;
    assert_eq!(counted.body["total"], 2);
    assert_eq!(hits[0]["subtitle"], "analytical.io");
    assert_eq!(hits[1]["title"], "Analytical engine upgrade");

    let by_last_name = app.get("/api/v1/search?q=lovel", &ours.access_token).await;
    assert_eq!(by_last_name.body["items"][0]["title"], "Ada Lovelace");
    let by_email = app.get("/api/v1/search?q=Ada%40Ana", &ours.access_token).await;
    assert_eq!(by_email.body["items"][0]["subtitle"], "ada@analytical.io");
    let inside = app.get("/api/v1/search?q=velace", &ours.access_token).await;
    assert_eq!(inside.body["items"], json!([]), "prefixes, not substrings");
    let literal = app.get("/api/v1/search?q=%25%25", &ours.access_token).await;
    assert_eq!(literal.body["items"], json!([]), "% is not a wildcard");
    let short = app.get("/api/v1/search?q=a", &ours.access_token).await;
    assert_eq!(short.field_codes(), vec![("q".into(), "too_short".into())]);
}
on_both_databases!(search_finds_contacts_companies_and_deals_of_the_organization_only);

async fn search_hits_page_by_cursor_across_kinds_and_within_one(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    for name in ["Nova One", "Nova Two", "Nova Three"] {
        app.post("/api/v1/companies", Some(token), json!({"name": name})).await;
    }
    for title in ["Nova renewal", "Nova upsell"] {
        app.post("/api/v1/deals", Some(token), json!({"title": title})).await;
    }
    // Nova Berg matches on her first name and her email, yet is one hit; Ann Novak
    // matches on her last name only, so she comes after every first-name match.
    for (first, last, email) in [
        ("Ann", "Novak", "ann@example.com"),
        ("Nova", "Berg", "nova@example.com"),
    ] {
        app.post(
            "/api/v1/contacts",
            Some(token),
            json!({"first_name": first, "last_name": last, "email": email}),
        )
        .await;
    }

    let mut seen = Vec::new();
    let mut path = "/api/v1/search?q=nova&per_page=2&total=true".to_owned();
    loop {
        let page = app.get(&path, token).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert_eq!(page.body["total"], 7);
        for hit in page.body["items"].as_array().expect("hits") {
            seen.push((
                hit["kind"].as_str().unwrap_or_default().to_owned(),
                hit["title"].as_str().unwrap_or_default().to_owned(),
            ));
        }
        match page.body["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/search?q=nova&per_page=2&total=true&cursor={cursor}"),
            None => break,
        }
    }
    let titles: Vec<(&str, &str)> = seen.iter().map(|(k, t)| (k.as_str(), t.as_str())).collect();
    assert_eq!(
        titles,
        [
            ("contact", "Nova Berg"),
            ("contact", "Ann Novak"),
            ("company", "Nova One"),
            ("company", "Nova Three"),
            ("company", "Nova Two"),
            ("deal", "Nova renewal"),
            ("deal", "Nova upsell"),
        ],
        "kind by kind, then by the column matched, then alphabetically"
    );

    let deals = app
        .get("/api/v1/search?q=nova&kind=deal&per_page=1&total=true", token)
        .await;
    assert_eq!(deals.body["total"], 2);
    let cursor = deals.body["next_cursor"].as_str().expect("a second deal");
    let second = app
        .get(
            &format!("/api/v1/search?q=nova&kind=deal&per_page=1&cursor={cursor}"),
            token,
        )
        .await;
    assert_eq!(second.body["items"][0]["title"], "Nova upsell");
    assert_eq!(second.body["next_cursor"], serde_json::Value::Null);

    let first = app.get("/api/v1/search?q=nova&per_page=1", token).await;
    let contact_cursor = first.body["next_cursor"].as_str().expect("more hits");
    let refused = app
        .get(
            &format!("/api/v1/search?q=nova&kind=deal&cursor={contact_cursor}"),
            token,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.field_codes()[0].0, "cursor");
}
on_both_databases!(search_hits_page_by_cursor_across_kinds_and_within_one);
