use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn id(body: &Value) -> String {
    body["id"].as_str().expect("id").to_owned()
}

async fn tags_given_with_a_record_are_kept_once_per_name_and_filter_its_list(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let ada = app
        .post(
            "/api/v1/contacts",
            Some(token),
            json!({"first_name": "Ada", "tags": ["VIP", "  churn   risk "]}),
        )
        .await;
    assert_eq!(ada.status, StatusCode::CREATED, "{}", ada.body);
    assert_eq!(ada.body["tags"], json!(["churn risk", "VIP"]));
    app.post("/api/v1/contacts", Some(token), json!({"first_name": "Bob"}))
        .await;

    let vip = app.get("/api/v1/contacts?tag=vip", token).await;
    assert_eq!(vip.body["total"], 1, "the filter ignores case");
    assert_eq!(vip.body["items"][0]["tags"], json!(["churn risk", "VIP"]));
    let unknown = app.get("/api/v1/contacts?tag=nobody-uses-this", token).await;
    assert_eq!(unknown.body["total"], 0);

    let path = format!("/api/v1/contacts/{}", id(&ada.body));
    let renamed = app.put(&path, token, json!({"first_name": "Ada Lovelace"})).await;
    assert_eq!(
        renamed.body["tags"],
        json!(["churn risk", "VIP"]),
        "left out, tags stay"
    );
    let retagged = app
        .put(&path, token, json!({"first_name": "Ada", "tags": ["vip"]}))
        .await;
    assert_eq!(retagged.body["tags"], json!(["VIP"]), "the existing tag is reused");
    let tags = app.get("/api/v1/tags", token).await;
    let names: Vec<(&str, u64)> = tags
        .body
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| (t["name"].as_str().unwrap_or_default(), t["uses"].as_u64().unwrap_or(99)))
        .collect();
    assert_eq!(names, vec![("churn risk", 0), ("VIP", 1)]);

    let bad = app
        .put(&path, token, json!({"first_name": "Ada", "tags": ["ok", " "]}))
        .await;
    assert_eq!(bad.field_codes(), vec![("tags.1".into(), "required".into())]);
    assert_eq!(
        app.get(&path, token).await.body["tags"],
        json!(["VIP"]),
        "nothing half-written"
    );

    let timeline = app.get(&format!("{path}/timeline"), token).await;
    assert!(
        timeline.body.to_string().contains("first name, tags"),
        "tag edits show as field changes: {}",
        timeline.body
    );
}
on_both_databases!(tags_given_with_a_record_are_kept_once_per_name_and_filter_its_list);

async fn bulk_actions_add_and_remove_a_tag(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let mut ids = Vec::new();
    for name in ["Alpha", "Beta", "Gamma"] {
        let company = app
            .post("/api/v1/companies", Some(&admin.access_token), json!({"name": name}))
            .await;
        ids.push(id(&company.body));
    }
    let added = app
        .post(
            "/api/v1/companies/bulk",
            Some(&admin.access_token),
            json!({"ids": &ids[..2], "action": "add_tag", "tag": "Partner"}),
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert_eq!(added.body["updated"], 2);
    let partners = app.get("/api/v1/companies?tag=partner", &admin.access_token).await;
    assert_eq!(partners.body["total"], 2);

    let removed = app
        .post(
            "/api/v1/companies/bulk",
            Some(&admin.access_token),
            json!({"ids": &ids[..1], "action": "remove_tag", "tag": "partner"}),
        )
        .await;
    assert_eq!(removed.body["updated"], 1);
    assert_eq!(
        app.get("/api/v1/companies?tag=Partner", &admin.access_token).await.body["total"],
        1
    );

    let not_theirs = app
        .post(
            "/api/v1/companies/bulk",
            Some(&rep.access_token),
            json!({"ids": &ids, "action": "add_tag", "tag": "mine"}),
        )
        .await;
    assert_eq!(not_theirs.status, StatusCode::FORBIDDEN, "reps tag only what they own");
    let own = app
        .post("/api/v1/companies", Some(&rep.access_token), json!({"name": "Rep Co"}))
        .await;
    let tagged = app
        .post(
            "/api/v1/companies/bulk",
            Some(&rep.access_token),
            json!({"ids": [id(&own.body)], "action": "add_tag", "tag": "mine"}),
        )
        .await;
    assert_eq!(tagged.status, StatusCode::OK, "{}", tagged.body);
    let empty_tag = app
        .post(
            "/api/v1/companies/bulk",
            Some(&admin.access_token),
            json!({"ids": &ids, "action": "add_tag", "tag": ""}),
        )
        .await;
    assert_eq!(empty_tag.field_codes(), vec![("tag".into(), "required".into())]);
}
on_both_databases!(bulk_actions_add_and_remove_a_tag);

async fn managers_rename_recolour_and_delete_tags(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let other = app.signup("Other", &unique_email("other")).await;
    let deal = app
        .post(
            "/api/v1/deals",
            Some(&admin.access_token),
            json!({"title": "Big one", "tags": ["hot"]}),
        )
        .await;
    assert_eq!(deal.body["tags"], json!(["hot"]), "{}", deal.body);
    let created = app
        .post(
            "/api/v1/tags",
            Some(&rep.access_token),
            json!({"name": "Warm", "color": "#f59e0b"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let duplicate = app
        .post("/api/v1/tags", Some(&admin.access_token), json!({"name": "HOT"}))
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.code(), "duplicate_tag");
    let bad_colour = app
        .post(
            "/api/v1/tags",
            Some(&admin.access_token),
            json!({"name": "x", "color": "red"}),
        )
        .await;
    assert_eq!(bad_colour.field_codes(), vec![("color".into(), "invalid_color".into())]);

    let tags = app.get("/api/v1/tags", &admin.access_token).await;
    let hot = tags
        .body
        .as_array()
        .expect("tags")
        .iter()
        .find(|t| t["name"] == "hot")
        .expect("hot")
        .clone();
    let path = format!("/api/v1/tags/{}", id(&hot));
    assert_eq!(
        app.put(&path, &rep.access_token, json!({"name": "Burning"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.put(&path, &other.access_token, json!({"name": "Burning"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let clash = app.put(&path, &admin.access_token, json!({"name": "warm"})).await;
    assert_eq!(clash.code(), "duplicate_tag");
    let renamed = app
        .put(
            &path,
            &admin.access_token,
            json!({"name": "Burning", "color": "#ef4444"}),
        )
        .await;
    assert_eq!(renamed.body["uses"], 1, "{}", renamed.body);
    let deal_path = format!("/api/v1/deals/{}", id(&deal.body));
    assert_eq!(
        app.get(&deal_path, &admin.access_token).await.body["tags"],
        json!(["Burning"])
    );

    assert_eq!(
        app.delete(&path, &admin.access_token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&deal_path, &admin.access_token).await.body["tags"], json!([]));
    assert_eq!(app.count_rows("record_tags", "").await, 0);
}
on_both_databases!(managers_rename_recolour_and_delete_tags);

async fn a_record_takes_at_most_twenty_tags_and_a_refused_edit_keeps_the_old_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let twenty: Vec<String> = (1..=20).map(|n| format!("tag {n}")).collect();
    let deal = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({"title": "Rollout", "tags": twenty}),
        )
        .await;
    assert_eq!(deal.status, StatusCode::CREATED, "{}", deal.body);
    assert_eq!(deal.body["tags"].as_array().map(Vec::len), Some(20));
    let mut more = twenty.clone();
    more.push("tag 21".into());
    let path = format!("/api/v1/deals/{}", id(&deal.body));
    let refused = app.put(&path, token, json!({"title": "Rollout", "tags": more})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.field_codes(), [("tags".to_owned(), "too_many".to_owned())]);
    assert_eq!(
        app.get(&path, token).await.body["tags"].as_array().map(Vec::len),
        Some(20)
    );
    assert_eq!(
        app.count_rows("tags", "WHERE name = 'tag 21'").await,
        0,
        "no tag made for a refused edit"
    );
}
on_both_databases!(a_record_takes_at_most_twenty_tags_and_a_refused_edit_keeps_the_old_ones);
