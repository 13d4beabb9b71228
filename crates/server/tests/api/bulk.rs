use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn contact_ids(app: &TestApp, token: &str, names: &[&str]) -> Vec<Value> {
    let mut ids = Vec::new();
    for name in names {
        let created = app
            .post("/api/v1/contacts", Some(token), json!({"first_name": name}))
            .await;
        ids.push(created.body["id"].clone());
    }
    ids
}

async fn bulk_assignment_and_deletion_change_every_selected_record(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let ids = contact_ids(&app, &admin.access_token, &["A", "B", "C"]).await;

    let assigned = app
        .post(
            "/api/v1/contacts/bulk",
            Some(&admin.access_token),
            json!({"ids": &ids[..2], "action": "assign_owner", "owner_id": rep.user_id}),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    assert_eq!(assigned.body["updated"], 2);
    let reps = app
        .get(
            &format!("/api/v1/contacts?owner_id={}", rep.user_id),
            &admin.access_token,
        )
        .await;
    assert_eq!(reps.body["total"], 2);

    let by_rep = app
        .post(
            "/api/v1/contacts/bulk",
            Some(&rep.access_token),
            json!({"ids": ids, "action": "delete"}),
        )
        .await;
    assert_eq!(by_rep.status, StatusCode::FORBIDDEN);
    let deleted = app
        .post(
            "/api/v1/contacts/bulk",
            Some(&admin.access_token),
            json!({"ids": ids, "action": "delete"}),
        )
        .await;
    assert_eq!(deleted.body["updated"], 3);
    assert_eq!(app.get("/api/v1/contacts", &admin.access_token).await.body["total"], 0);

    let trash = app.get("/api/v1/trash?kind=contact", &admin.access_token).await;
    assert_eq!(trash.body["total"], 3, "{}", trash.body);
    let restored = app
        .post(
            &format!(
                "/api/v1/contacts/{}/restore",
                trash.body["items"][0]["id"].as_str().expect("id")
            ),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(restored.status, StatusCode::OK);
    assert_eq!(
        app.get("/api/v1/trash?kind=contact", &rep.access_token).await.status,
        StatusCode::FORBIDDEN
    );
}
on_both_databases!(bulk_assignment_and_deletion_change_every_selected_record);

async fn a_selection_with_another_organizations_record_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let mut ids = contact_ids(&app, &ours.access_token, &["Mine"]).await;
    ids.extend(contact_ids(&app, &theirs.access_token, &["Theirs"]).await);
    let response = app
        .post(
            "/api/v1/contacts/bulk",
            Some(&ours.access_token),
            json!({"ids": ids, "action": "delete"}),
        )
        .await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/v1/contacts", &ours.access_token).await.body["total"],
        1,
        "nothing half-done"
    );
    assert_eq!(app.get("/api/v1/contacts", &theirs.access_token).await.body["total"], 1);
    let empty = app
        .post(
            "/api/v1/deals/bulk",
            Some(&ours.access_token),
            json!({"ids": [], "action": "delete"}),
        )
        .await;
    assert_eq!(empty.field_codes(), vec![("ids".into(), "count".into())]);
    let unknown = app
        .post(
            "/api/v1/deals/bulk",
            Some(&ours.access_token),
            json!({"ids": ids, "action": "explode"}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}
on_both_databases!(a_selection_with_another_organizations_record_changes_nothing);
