use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

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
    assert_eq!(
        results.body["contacts"].as_array().expect("contacts").len(),
        0,
        "not their contact, whose first name starts so"
    );
    assert_eq!(results.body["companies"][0]["subtitle"], "analytical.io");
    assert_eq!(results.body["deals"][0]["title"], "Analytical engine upgrade");

    let by_last_name = app.get("/api/v1/search?q=lovel", &ours.access_token).await;
    assert_eq!(by_last_name.body["contacts"][0]["title"], "Ada Lovelace");
    let by_email = app.get("/api/v1/search?q=Ada%40Ana", &ours.access_token).await;
    assert_eq!(by_email.body["contacts"][0]["subtitle"], "ada@analytical.io");
    let inside = app.get("/api/v1/search?q=velace", &ours.access_token).await;
    assert_eq!(
        inside.body["contacts"].as_array().expect("contacts").len(),
        0,
        "prefixes, not substrings"
    );
    let literal = app.get("/api/v1/search?q=%25%25", &ours.access_token).await;
    assert_eq!(
        literal.body["contacts"].as_array().expect("contacts").len(),
        0,
        "% is not a wildcard"
    );
    let short = app.get("/api/v1/search?q=a", &ours.access_token).await;
    assert_eq!(short.field_codes(), vec![("q".into(), "too_short".into())]);
}
on_both_databases!(search_finds_contacts_companies_and_deals_of_the_organization_only);
