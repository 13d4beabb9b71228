use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn dashboards(app: &TestApp, session: &Session) -> Vec<Value> {
    let list = app.get("/api/v1/dashboards", &session.access_token).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.body.as_array().expect("list").clone()
}

fn chart(id: u8, x: u8, y: u16) -> Value {
    json!({
        "id": format!("00000000-0000-0000-0000-0000000000{id:02}"),
        "kind": "bar", "source": "conversion", "x": x, "y": y, "w": 6, "h": 4
    })
}

async fn the_first_look_makes_the_roles_dashboard_and_a_saved_layout_stays(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let first = dashboards(&app, &rep).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0]["name"], "My dashboard");
    assert_eq!(first[0]["can_edit"], true);
    assert!(first[0]["widgets"].as_array().is_some_and(|w| w.len() > 4));
    assert_eq!(dashboards(&app, &rep).await.len(), 1, "made once");
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    assert_eq!(dashboards(&app, &manager).await[0]["name"], "Team dashboard");

    let id = first[0]["id"].as_str().expect("id");
    let saved = app
        .put(
            &format!("/api/v1/dashboards/{id}"),
            &rep.access_token,
            json!({"name": "Mornings", "widgets": [chart(1, 6, 0), chart(2, 0, 4)]}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let again = app.get(&format!("/api/v1/dashboards/{id}"), &rep.access_token).await;
    assert_eq!(again.body["name"], "Mornings");
    assert_eq!(again.body["widgets"][0]["x"], 6);
    assert_eq!(again.body["widgets"][1]["y"], 4);
}
on_both_databases!(the_first_look_makes_the_roles_dashboard_and_a_saved_layout_stays);

async fn bad_layouts_and_unknown_widgets_are_refused_and_nothing_is_saved(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let before = dashboards(&app, &admin).await.remove(0);
    let id = before["id"].as_str().expect("id");
    let mut unknown_kind = chart(2, 6, 0);
    unknown_kind["kind"] = json!("sparkline");
    let mut unknown_source = chart(2, 6, 0);
    unknown_source["source"] = json!("horoscope");
    let mut wrong_source = chart(2, 6, 0);
    wrong_source["kind"] = json!("pie");
    wrong_source["source"] = json!("velocity");
    let mut bad_filter = chart(2, 0, 4);
    bad_filter["kind"] = json!("table");
    bad_filter["source"] = json!("deals");
    bad_filter["options"] = json!({"filter": "colour=red"});
    for (widgets, field, code) in [
        (json!([chart(1, 0, 0), chart(2, 3, 2)]), "widgets[1].y", "overlap"),
        (json!([chart(1, 8, 0)]), "widgets[0].x", "off_grid"),
        (
            json!([chart(1, 0, 0), unknown_kind]),
            "widgets[1].kind",
            "invalid_value",
        ),
        (
            json!([chart(1, 0, 0), unknown_source]),
            "widgets[1].source",
            "invalid_value",
        ),
        (
            json!([chart(1, 0, 0), wrong_source]),
            "widgets[1].source",
            "unsupported_source",
        ),
        (
            json!([chart(1, 0, 0), bad_filter]),
            "widgets[1].options.filter",
            "invalid_filters",
        ),
    ] {
        let refused = app
            .put(
                &format!("/api/v1/dashboards/{id}"),
                &admin.access_token,
                json!({"name": "Broken", "widgets": widgets}),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            refused.body
        );
        assert_eq!(
            refused.field_codes(),
            vec![(field.into(), code.into())],
            "{}",
            refused.body
        );
    }
    let after = app.get(&format!("/api/v1/dashboards/{id}"), &admin.access_token).await;
    assert_eq!(after.body, before, "nothing saved");
}
on_both_databases!(bad_layouts_and_unknown_widgets_are_refused_and_nothing_is_saved);

async fn shared_dashboards_are_read_only_for_others_and_private_ones_are_hidden(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let create = |shared: bool, name: &str| json!({"name": name, "shared": shared, "widgets": [chart(1, 0, 0)]});
    let shared = app
        .post(
            "/api/v1/dashboards",
            Some(&manager.access_token),
            create(true, "Team board"),
        )
        .await;
    assert_eq!(shared.status, StatusCode::CREATED, "{}", shared.body);
    let private = app
        .post("/api/v1/dashboards", Some(&manager.access_token), create(false, "Mine"))
        .await;
    let shared_id = shared.body["id"].as_str().expect("id");

    let seen = dashboards(&app, &rep).await;
    let names: Vec<(&str, bool)> = seen
        .iter()
        .map(|d| {
            (
                d["name"].as_str().unwrap_or_default(),
                d["can_edit"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    assert_eq!(names, vec![("My dashboard", true), ("Team board", false)]);
    let edit = app
        .put(
            &format!("/api/v1/dashboards/{shared_id}"),
            &rep.access_token,
            create(false, "Taken over"),
        )
        .await;
    assert_eq!(edit.status, StatusCode::FORBIDDEN);
    let delete = app
        .delete(&format!("/api/v1/dashboards/{shared_id}"), &rep.access_token)
        .await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
    let hidden = app
        .get(
            &format!("/api/v1/dashboards/{}", private.body["id"].as_str().expect("id")),
            &rep.access_token,
        )
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    let rep_share = app
        .post("/api/v1/dashboards", Some(&rep.access_token), create(true, "For all"))
        .await;
    assert_eq!(
        rep_share.status,
        StatusCode::FORBIDDEN,
        "only managers and admins share"
    );
    assert_eq!(
        app.count_rows("dashboards", "WHERE name = 'Taken over' OR name = 'For all'")
            .await,
        0
    );
}
on_both_databases!(shared_dashboards_are_read_only_for_others_and_private_ones_are_hidden);
