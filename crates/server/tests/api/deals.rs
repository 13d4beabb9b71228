use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn stages(app: &TestApp, session: &Session) -> Vec<Value> {
    let pipelines = app.get("/api/v1/pipelines", &session.access_token).await;
    pipelines.body[0]["stages"].as_array().expect("stages").clone()
}

async fn new_deal(app: &TestApp, session: &Session, title: &str, minor: i64, currency: &str) -> Value {
    let response = app
        .post(
            "/api/v1/deals",
            Some(&session.access_token),
            json!({"title": title, "value": {"minor": minor, "currency": currency}}),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    response.body
}

async fn a_new_organization_has_a_default_pipeline_ending_in_won_and_lost(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let pipelines = app.get("/api/v1/pipelines", &admin.access_token).await;
    assert_eq!(pipelines.body.as_array().expect("list").len(), 1);
    assert_eq!(pipelines.body[0]["is_default"], true);
    let stages = stages(&app, &admin).await;
    let kinds: Vec<&str> = stages.iter().filter_map(|s| s["kind"].as_str()).collect();
    assert_eq!(kinds, ["open", "open", "open", "open", "open", "won", "lost"]);
}
on_both_databases!(a_new_organization_has_a_default_pipeline_ending_in_won_and_lost);

async fn moving_a_deal_keeps_its_stage_history(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let stages = stages(&app, &admin).await;
    let deal = new_deal(&app, &admin, "Big one", 1_000_000, "EUR").await;
    assert_eq!(deal["stage_id"], stages[0]["id"], "new deals start in the first stage");
    assert_eq!(deal["probability"], stages[0]["probability"]);
    let id = deal["id"].as_str().expect("id");

    let moved = app
        .post(
            &format!("/api/v1/deals/{id}/move"),
            Some(&admin.access_token),
            json!({"stage_id": stages[1]["id"]}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["probability"], stages[1]["probability"]);
    let won = app
        .post(
            &format!("/api/v1/deals/{id}/move"),
            Some(&admin.access_token),
            json!({"stage_id": stages[5]["id"]}),
        )
        .await;
    assert_eq!(won.body["status"], "won");
    assert!(won.body["closed_at"].is_string());

    let history = app
        .get(&format!("/api/v1/deals/{id}/history"), &admin.access_token)
        .await;
    let moves: Vec<(Value, Value)> = history.body["items"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| (h["from_stage_id"].clone(), h["to_stage_id"].clone()))
        .collect();
    assert_eq!(
        moves,
        vec![
            (Value::Null, stages[0]["id"].clone()),
            (stages[0]["id"].clone(), stages[1]["id"].clone()),
            (stages[1]["id"].clone(), stages[5]["id"].clone()),
        ]
    );
    assert_eq!(history.body["items"][1]["moved_by"], admin.user_id);
}
on_both_databases!(moving_a_deal_keeps_its_stage_history);

async fn losing_a_deal_needs_a_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let stages = stages(&app, &admin).await;
    let deal = new_deal(&app, &admin, "Risky", 500, "USD").await;
    let path = format!("/api/v1/deals/{}/move", deal["id"].as_str().expect("id"));
    let silent = app
        .post(&path, Some(&admin.access_token), json!({"stage_id": stages[6]["id"]}))
        .await;
    assert_eq!(silent.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(silent.field_codes(), vec![("lost_reason".into(), "required".into())]);
    assert_eq!(app.count_rows("deal_stage_history", "").await, 1, "nothing written");
    let lost = app
        .post(
            &path,
            Some(&admin.access_token),
            json!({"stage_id": stages[6]["id"], "lost_reason": "Went with a competitor"}),
        )
        .await;
    assert_eq!(lost.body["status"], "lost");
    assert_eq!(lost.body["lost_reason"], "Went with a competitor");
    assert_eq!(lost.body["probability"], 0);
}
on_both_databases!(losing_a_deal_needs_a_reason);

async fn board_totals_never_mix_currencies(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    new_deal(&app, &admin, "Euro 1", 10000, "EUR").await;
    new_deal(&app, &admin, "Euro 2", 25000, "EUR").await;
    new_deal(&app, &admin, "Dollar", 99900, "USD").await;
    let board = app.get("/api/v1/board", &admin.access_token).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.body);
    let columns = board.body["columns"].as_array().expect("columns");
    assert_eq!(columns.len(), 5, "open stages only; won and lost are drop zones");
    let first = &columns[0];
    assert_eq!(first["count"], 3);
    let totals = first["totals"].as_array().expect("totals");
    assert!(
        totals.contains(&json!({"currency": "EUR", "minor": 35000, "count": 2})),
        "{totals:?}"
    );
    assert!(
        totals.contains(&json!({"currency": "USD", "minor": 99900, "count": 1})),
        "{totals:?}"
    );
    assert_eq!(first["deals"][0]["title"], "Dollar", "new deals go on top");
}
on_both_databases!(board_totals_never_mix_currencies);

async fn a_deal_can_be_placed_after_another_in_its_column(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let stages = stages(&app, &admin).await;
    let a = new_deal(&app, &admin, "A", 1, "EUR").await;
    let b = new_deal(&app, &admin, "B", 1, "EUR").await;
    let c = new_deal(&app, &admin, "C", 1, "EUR").await;
    let order = |board: &Value| -> Vec<String> {
        board["columns"][0]["deals"]
            .as_array()
            .expect("deals")
            .iter()
            .filter_map(|d| d["title"].as_str().map(str::to_owned))
            .collect()
    };
    assert_eq!(
        order(&app.get("/api/v1/board", &admin.access_token).await.body),
        ["C", "B", "A"]
    );
    app.post(
        &format!("/api/v1/deals/{}/move", c["id"].as_str().expect("id")),
        Some(&admin.access_token),
        json!({"stage_id": stages[0]["id"], "after_deal_id": a["id"]}),
    )
    .await;
    assert_eq!(
        order(&app.get("/api/v1/board", &admin.access_token).await.body),
        ["B", "A", "C"]
    );
    app.post(
        &format!("/api/v1/deals/{}/move", a["id"].as_str().expect("id")),
        Some(&admin.access_token),
        json!({"stage_id": stages[0]["id"], "after_deal_id": b["id"]}),
    )
    .await;
    assert_eq!(
        order(&app.get("/api/v1/board", &admin.access_token).await.body),
        ["B", "A", "C"]
    );
    assert_eq!(
        app.count_rows("deal_stage_history", "").await,
        3,
        "reordering is not a stage change"
    );
}
on_both_databases!(a_deal_can_be_placed_after_another_in_its_column);

async fn only_owners_managers_and_admins_move_deals(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    let stages = stages(&app, &admin).await;
    let admins_deal = new_deal(&app, &admin, "Admin's", 1, "EUR").await;
    let reps_deal = new_deal(&app, &rep, "Rep's", 1, "EUR").await;
    let move_as = |session: &Session, deal: &Value| {
        let path = format!("/api/v1/deals/{}/move", deal["id"].as_str().expect("id"));
        let token = session.access_token.clone();
        let body = json!({"stage_id": stages[1]["id"]});
        let app = &app;
        async move { app.post(&path, Some(&token), body).await.status }
    };
    assert_eq!(move_as(&rep, &reps_deal).await, StatusCode::OK);
    assert_eq!(move_as(&rep, &admins_deal).await, StatusCode::FORBIDDEN);
    assert_eq!(move_as(&viewer, &reps_deal).await, StatusCode::FORBIDDEN);
    assert_eq!(move_as(&admin, &reps_deal).await, StatusCode::OK);
}
on_both_databases!(only_owners_managers_and_admins_move_deals);

async fn another_organizations_deal_and_stages_are_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let their_stages = stages(&app, &theirs).await;
    let their_deal = new_deal(&app, &theirs, "Secret", 1, "EUR").await;
    let id = their_deal["id"].as_str().expect("id");
    assert_eq!(
        app.get(&format!("/api/v1/deals/{id}"), &ours.access_token).await.status,
        StatusCode::NOT_FOUND
    );
    let moved = app
        .post(
            &format!("/api/v1/deals/{id}/move"),
            Some(&ours.access_token),
            json!({"stage_id": their_stages[1]["id"]}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::NOT_FOUND);
    let our_deal = new_deal(&app, &ours, "Ours", 1, "EUR").await;
    let into_their_stage = app
        .post(
            &format!("/api/v1/deals/{}/move", our_deal["id"].as_str().expect("id")),
            Some(&ours.access_token),
            json!({"stage_id": their_stages[1]["id"]}),
        )
        .await;
    assert_eq!(
        into_their_stage.field_codes(),
        vec![("stage_id".into(), "unknown_stage".into())]
    );
    let board = app
        .get(
            &format!(
                "/api/v1/board?pipeline_id={}",
                their_stages[0]["pipeline_id"].as_str().expect("id")
            ),
            &ours.access_token,
        )
        .await;
    assert_eq!(board.status, StatusCode::NOT_FOUND);
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/api/v1/deals/{id}"),
            Some(&ours.access_token),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NOT_FOUND);
}
on_both_databases!(another_organizations_deal_and_stages_are_not_found);

async fn invalid_money_is_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let response = app
        .post(
            "/api/v1/deals",
            Some(&admin.access_token),
            json!({"title": "Bad", "value": {"minor": -5, "currency": "euro"}, "probability": 120}),
        )
        .await;
    let fields = response.field_codes();
    assert!(
        fields.contains(&("value.currency".into(), "invalid_currency".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("value.minor".into(), "negative".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("probability".into(), "out_of_range".into())),
        "{fields:?}"
    );
    let float = app
        .post(
            "/api/v1/deals",
            Some(&admin.access_token),
            json!({"title": "Float", "value": {"minor": 1.5, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(float.status, StatusCode::UNPROCESSABLE_ENTITY, "money is never a float");
    assert_eq!(app.count_rows("deals", "").await, 0);
}
on_both_databases!(invalid_money_is_refused);

async fn deals_are_listed_with_value_ranges_in_one_currency(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    new_deal(&app, &admin, "Small", 10000, "EUR").await;
    new_deal(&app, &admin, "Large", 900000, "EUR").await;
    new_deal(&app, &admin, "Dollar", 900000, "USD").await;
    let list = app
        .get(
            "/api/v1/deals?sort=-value&currency=EUR&min_value=50000",
            &admin.access_token,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["title"], "Large");
    let mixed = app.get("/api/v1/deals?min_value=1", &admin.access_token).await;
    assert_eq!(mixed.field_codes(), vec![("currency".into(), "required".into())]);
    let all = app.get("/api/v1/deals?sort=title", &admin.access_token).await;
    let titles: Vec<&str> = all.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|d| d["title"].as_str())
        .collect();
    assert_eq!(titles, ["Dollar", "Large", "Small"]);
}
on_both_databases!(deals_are_listed_with_value_ranges_in_one_currency);
