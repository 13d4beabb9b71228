use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn stage_names(pipeline: &Value) -> Vec<String> {
    pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn stage_id(pipeline: &Value, name: &str) -> String {
    pipeline["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .find(|s| s["name"] == name)
        .and_then(|s| s["id"].as_str())
        .expect("stage")
        .to_owned()
}

async fn default_pipeline(app: &TestApp, token: &str) -> Value {
    app.get("/api/v1/pipelines", token).await.body[0].clone()
}

async fn stages_are_added_renamed_and_reordered_with_won_and_lost_last(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let pipeline = default_pipeline(&app, &admin.access_token).await;
    let pipeline_id = pipeline["id"].as_str().expect("id").to_owned();
    let stages_path = format!("/api/v1/pipelines/{pipeline_id}/stages");

    let refused = app
        .post(&stages_path, Some(&rep.access_token), json!({"name": "Demo"}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let added = app
        .post(
            &stages_path,
            Some(&manager.access_token),
            json!({"name": "Demo", "probability": 95}),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(
        stage_names(&added.body),
        [
            "Lead in",
            "Qualified",
            "Meeting",
            "Proposal",
            "Negotiation",
            "Demo",
            "Won",
            "Lost"
        ]
    );
    let invalid = app
        .post(
            &stages_path,
            Some(&manager.access_token),
            json!({"name": "", "probability": 101}),
        )
        .await;
    let mut codes = invalid.field_codes();
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("name".into(), "required".into()),
            ("probability".into(), "out_of_range".into())
        ]
    );

    let demo = stage_id(&added.body, "Demo");
    let renamed = app
        .put(
            &format!("/api/v1/stages/{demo}"),
            &manager.access_token,
            json!({"name": "Product demo", "probability": 80}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert!(stage_names(&renamed.body).contains(&"Product demo".to_owned()));
    let won = stage_id(&renamed.body, "Won");
    let fixed = app
        .put(
            &format!("/api/v1/stages/{won}"),
            &manager.access_token,
            json!({"name": "Closed won", "probability": 50}),
        )
        .await;
    assert_eq!(fixed.field_codes(), vec![("probability".into(), "fixed".into())]);

    let mut open: Vec<String> = renamed.body["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter(|s| s["kind"] == "open")
        .map(|s| s["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    open.reverse();
    let order_path = format!("/api/v1/pipelines/{pipeline_id}/stage-order");
    let reordered = app
        .put(&order_path, &manager.access_token, json!({"stage_ids": open}))
        .await;
    assert_eq!(reordered.status, StatusCode::OK, "{}", reordered.body);
    assert_eq!(
        stage_names(&reordered.body),
        [
            "Product demo",
            "Negotiation",
            "Proposal",
            "Meeting",
            "Qualified",
            "Lead in",
            "Won",
            "Lost"
        ]
    );
    let incomplete = app
        .put(&order_path, &manager.access_token, json!({"stage_ids": &open[1..]}))
        .await;
    assert_eq!(
        incomplete.field_codes(),
        vec![("stage_ids".into(), "not_the_open_stages".into())]
    );
    let with_won_ids = [&open[..], &[won]].concat();
    let with_won = app
        .put(&order_path, &manager.access_token, json!({"stage_ids": with_won_ids}))
        .await;
    assert_eq!(with_won.status, StatusCode::UNPROCESSABLE_ENTITY);
    let board = app.get("/api/v1/board", &admin.access_token).await;
    assert_eq!(
        board.body["columns"][0]["stage"]["name"], "Product demo",
        "{}",
        board.body
    );
}
on_both_databases!(stages_are_added_renamed_and_reordered_with_won_and_lost_last);

async fn a_stage_holding_deals_is_deleted_only_by_moving_them_with_their_history(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let other = app.signup("Other", &unique_email("other")).await;
    let token = &admin.access_token;
    let pipeline = default_pipeline(&app, token).await;
    let lead_in = stage_id(&pipeline, "Lead in");
    let qualified = stage_id(&pipeline, "Qualified");
    let won = stage_id(&pipeline, "Won");
    let deal = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({"title": "Big one", "stage_id": lead_in}),
        )
        .await;
    let deal_id = deal.body["id"].as_str().expect("id").to_owned();
    app.post(
        "/api/v1/deals",
        Some(token),
        json!({"title": "Waiting", "stage_id": qualified}),
    )
    .await;

    let path = format!("/api/v1/stages/{lead_in}");
    assert_eq!(
        app.delete(&path, &other.access_token).await.status,
        StatusCode::NOT_FOUND
    );
    let refused = app.delete(&path, token).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.code(), "stage_not_empty");
    assert_eq!(refused.body["details"]["deals"], 1);
    let into_won = app.delete(&format!("{path}?move_deals_to={won}"), token).await;
    assert_eq!(
        into_won.field_codes(),
        vec![("move_deals_to".into(), "unknown_stage".into())]
    );
    assert_eq!(
        app.count_rows("deal_stage_history", "").await,
        2,
        "nothing half-written"
    );

    let merged = app.delete(&format!("{path}?move_deals_to={qualified}"), token).await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert!(!stage_names(&merged.body).contains(&"Lead in".to_owned()));
    let moved = app.get(&format!("/api/v1/deals/{deal_id}"), token).await;
    assert_eq!(moved.body["stage_id"], json!(qualified));
    assert_eq!(
        moved.body["probability"], 25,
        "the deal takes its new stage's probability"
    );
    let history = app.get(&format!("/api/v1/deals/{deal_id}/history"), token).await;
    let last = history.body["items"]
        .as_array()
        .and_then(|h| h.last())
        .expect("history");
    assert_eq!(last["from_stage_id"], json!(lead_in));
    assert_eq!(last["to_stage_id"], json!(qualified));
    assert_eq!(
        app.count_rows(
            "deal_stage_history m JOIN deal_stage_history c ON c.deal_id = m.deal_id AND c.from_stage_id IS NULL",
            "WHERE m.from_stage_id IS NOT NULL AND m.entered_at = c.moved_at",
        )
        .await,
        1,
        "the move off the deleted stage records when the deal entered it"
    );
    let board = app.get("/api/v1/board", token).await;
    assert_eq!(board.body["columns"][0]["count"], 2, "{}", board.body);

    let fixed = app.delete(&format!("/api/v1/stages/{won}"), token).await;
    assert_eq!(fixed.code(), "fixed_stage");
}
on_both_databases!(a_stage_holding_deals_is_deleted_only_by_moving_them_with_their_history);

async fn pipelines_are_renamed_made_default_and_deleted_only_when_empty(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let sales = default_pipeline(&app, token).await;
    let sales_id = sales["id"].as_str().expect("id").to_owned();
    app.post("/api/v1/deals", Some(token), json!({"title": "Big one"}))
        .await;
    let partners = app
        .post("/api/v1/pipelines", Some(token), json!({"name": "Partners"}))
        .await;
    let partners_id = partners.body["id"].as_str().expect("id").to_owned();

    let made_default = app
        .put(
            &format!("/api/v1/pipelines/{partners_id}"),
            token,
            json!({"name": "Partner deals", "is_default": true}),
        )
        .await;
    assert_eq!(made_default.status, StatusCode::OK, "{}", made_default.body);
    assert_eq!(made_default.body["name"], "Partner deals");
    let pipelines = app.get("/api/v1/pipelines", token).await;
    let defaults: Vec<&Value> = pipelines
        .body
        .as_array()
        .expect("pipelines")
        .iter()
        .filter(|p| p["is_default"] == true)
        .collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0]["id"], json!(partners_id));

    let is_default = app.delete(&format!("/api/v1/pipelines/{partners_id}"), token).await;
    assert_eq!(is_default.code(), "default_pipeline");
    let has_deals = app.delete(&format!("/api/v1/pipelines/{sales_id}"), token).await;
    assert_eq!(has_deals.code(), "pipeline_not_empty");
    let spare = app
        .post("/api/v1/pipelines", Some(token), json!({"name": "Spare"}))
        .await;
    let spare_id = spare.body["id"].as_str().expect("id");
    assert_eq!(
        app.delete(&format!("/api/v1/pipelines/{spare_id}"), token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get("/api/v1/pipelines", token).await.body.as_array().map(Vec::len),
        Some(2)
    );
}
on_both_databases!(pipelines_are_renamed_made_default_and_deleted_only_when_empty);
