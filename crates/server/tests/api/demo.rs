use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn demo_data_fills_an_empty_organization_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let refused = app
        .post("/api/v1/demo-data", Some(&manager.access_token), json!({}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let loaded = app
        .post("/api/v1/demo-data", Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(loaded.status, StatusCode::CREATED, "{}", loaded.body);
    assert_eq!(loaded.body["deals"], 300);
    let contacts = app.get("/api/v1/contacts", &admin.access_token).await;
    assert_eq!(contacts.body["total"], 160);
    let board = app.get("/api/v1/board", &admin.access_token).await;
    let on_board: u64 = board.body["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .filter_map(|c| c["count"].as_u64())
        .sum();
    assert!(on_board > 100, "most demo deals are open: {on_board}");
    let owners: std::collections::HashSet<String> = contacts.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["owner_id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(owners.len(), 2, "records are spread over the team");

    let again = app
        .post("/api/v1/demo-data", Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.code(), "not_empty");
}
on_both_databases!(demo_data_fills_an_empty_organization_once);
