use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn a_contact_links_to_a_company_and_is_filtered_by_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let company = app
        .post(
            "/api/v1/companies",
            Some(&admin.access_token),
            json!({"name": "Initech"}),
        )
        .await;
    let company_id = company.body["id"].as_str().expect("id").to_owned();
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Peter", "last_name": "Gibbons", "email": "Peter@Initech.com", "company_id": company_id, "lifecycle_stage": "sql"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["email"], "peter@initech.com");
    assert_eq!(created.body["company_name"], "Initech");
    app.post(
        "/api/v1/contacts",
        Some(&admin.access_token),
        json!({"first_name": "Milton"}),
    )
    .await;

    let at_company = app
        .get(
            &format!("/api/v1/contacts?company_id={company_id}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(at_company.body["total"], 1);
    assert_eq!(at_company.body["items"][0]["company_name"], "Initech");
    let by_stage = app
        .get("/api/v1/contacts?lifecycle_stage=lead", &admin.access_token)
        .await;
    assert_eq!(
        by_stage.body["items"][0]["first_name"], "Milton",
        "lead is the default stage"
    );
    let search = app.get("/api/v1/contacts?q=gibb", &admin.access_token).await;
    assert_eq!(search.body["total"], 1);
}
on_both_databases!(a_contact_links_to_a_company_and_is_filtered_by_it);

async fn a_duplicate_email_is_a_conflict_naming_the_existing_contact(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let first = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Jane", "last_name": "Doe", "email": "jane@doe.com"}),
        )
        .await;
    let again = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "J.", "email": "JANE@doe.com"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "duplicate_email");
    assert!(
        again.body["message"].as_str().unwrap_or_default().contains("Jane Doe"),
        "{}",
        again.body
    );
    assert_eq!(again.body["details"]["existing_contact"]["id"], first.body["id"]);
    assert_eq!(app.count_rows("contacts", "").await, 1);

    // Another organization may have the same person.
    let other = app.signup("Other", &unique_email("other")).await;
    let elsewhere = app
        .post(
            "/api/v1/contacts",
            Some(&other.access_token),
            json!({"first_name": "Jane", "email": "jane@doe.com"}),
        )
        .await;
    assert_eq!(elsewhere.status, StatusCode::CREATED);
}
on_both_databases!(a_duplicate_email_is_a_conflict_naming_the_existing_contact);

async fn a_trashed_contact_frees_its_email_and_cannot_be_restored_over_a_new_holder(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let old = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Old", "email": "same@x.com"}),
        )
        .await;
    let old_path = format!("/api/v1/contacts/{}", old.body["id"].as_str().expect("id"));
    app.call(Method::DELETE, &old_path, Some(&admin.access_token), None)
        .await;
    let new = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "New", "email": "same@x.com"}),
        )
        .await;
    assert_eq!(new.status, StatusCode::CREATED);
    let restore = app
        .post(&format!("{old_path}/restore"), Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(restore.status, StatusCode::CONFLICT);
    assert_eq!(restore.code(), "duplicate_email");
}
on_both_databases!(a_trashed_contact_frees_its_email_and_cannot_be_restored_over_a_new_holder);

async fn a_contact_cannot_point_at_another_organizations_company(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let their_company = app
        .post(
            "/api/v1/companies",
            Some(&theirs.access_token),
            json!({"name": "Theirs Inc"}),
        )
        .await;
    let response = app
        .post(
            "/api/v1/contacts",
            Some(&ours.access_token),
            json!({"first_name": "Spy", "company_id": their_company.body["id"]}),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        response.field_codes(),
        vec![("company_id".into(), "unknown_company".into())]
    );
    let nameless = app
        .post(
            "/api/v1/contacts",
            Some(&ours.access_token),
            json!({"first_name": "", "email": "bad"}),
        )
        .await;
    let fields = nameless.field_codes();
    assert!(fields.contains(&("first_name".into(), "required".into())), "{fields:?}");
    assert!(fields.contains(&("email".into(), "invalid_email".into())), "{fields:?}");
}
on_both_databases!(a_contact_cannot_point_at_another_organizations_company);
