//! Custom field definitions: admins add, relabel, re-option and archive fields; keys and
//! types are fixed; bad definitions are refused naming the field and write nothing.

use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::json;

async fn an_admin_defines_relabels_and_archives_a_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let created = app
        .post(
            "/api/v1/custom-fields",
            Some(&admin.access_token),
            json!({"entity": "contact", "label": "Tier (EU)", "field_type": "single_select", "options": [" Gold", "Silver"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["key"], "tier_eu");
    assert_eq!(created.body["options"], json!(["Gold", "Silver"]));
    let id = created.body["id"].as_str().expect("id").to_owned();
    app.post(
        "/api/v1/custom-fields",
        Some(&admin.access_token),
        json!({"entity": "deal", "label": "Contract value", "field_type": "currency", "currency": "EUR"}),
    )
    .await;

    let contacts = app.get("/api/v1/custom-fields?entity=contact", &rep.access_token).await;
    assert_eq!(contacts.status, StatusCode::OK, "a rep reads the definitions");
    assert_eq!(contacts.body.as_array().map(Vec::len), Some(1));

    let forbidden = app
        .put(
            &format!("/api/v1/custom-fields/{id}"),
            &rep.access_token,
            json!({"label": "Mine"}),
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let renamed = app
        .put(
            &format!("/api/v1/custom-fields/{id}"),
            &admin.access_token,
            json!({"label": "Tier", "required": true, "options": ["Gold", "Silver", "Bronze"]}),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(
        (renamed.body["label"].as_str(), renamed.body["key"].as_str()),
        (Some("Tier"), Some("tier_eu"))
    );
    assert_eq!(renamed.body["required"], true);

    let archived = app
        .post(
            &format!("/api/v1/custom-fields/{id}/archive"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(archived.body["archived"], true);
    let live = app
        .get("/api/v1/custom-fields?entity=contact", &admin.access_token)
        .await;
    assert_eq!(
        live.body.as_array().map(Vec::len),
        Some(0),
        "archived fields are left out"
    );
    let all = app
        .get(
            "/api/v1/custom-fields?entity=contact&include_archived=true",
            &admin.access_token,
        )
        .await;
    assert_eq!(all.body.as_array().map(Vec::len), Some(1));
    let again = app
        .post(
            "/api/v1/custom-fields",
            Some(&admin.access_token),
            json!({"entity": "contact", "label": "Tier EU", "field_type": "text"}),
        )
        .await;
    assert_eq!(
        (again.status, again.code()),
        (StatusCode::CONFLICT, "duplicate_key"),
        "an archived key stays taken"
    );
    let restored = app
        .post(
            &format!("/api/v1/custom-fields/{id}/restore"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(restored.body["archived"], false);
    assert_eq!(
        app.count_rows("audit_log", "WHERE action LIKE 'custom_field.%'").await,
        5,
        "created ×2, updated, archived, restored"
    );
}
on_both_databases!(an_admin_defines_relabels_and_archives_a_field);

async fn bad_field_definitions_are_refused_naming_the_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let cases = [
        (
            json!({"entity": "contact", "label": "", "field_type": "text"}),
            "label",
            "required",
        ),
        (
            json!({"entity": "contact", "label": "Email", "field_type": "text"}),
            "key",
            "reserved",
        ),
        (
            json!({"entity": "contact", "label": "X", "key": "Bad Key", "field_type": "text"}),
            "key",
            "invalid_key",
        ),
        (
            json!({"entity": "deal", "label": "Tier", "field_type": "multi_select"}),
            "options",
            "required",
        ),
        (
            json!({"entity": "deal", "label": "Tier", "field_type": "single_select", "options": ["A", "a"]}),
            "options[1]",
            "duplicate",
        ),
        (
            json!({"entity": "company", "label": "Note", "field_type": "text", "options": ["A"]}),
            "options",
            "not_allowed",
        ),
        (
            json!({"entity": "deal", "label": "ARR", "field_type": "currency", "currency": "euro"}),
            "currency",
            "invalid_currency",
        ),
    ];
    for (body, field, code) in cases {
        let response = app.post("/api/v1/custom-fields", Some(&admin.access_token), body).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
        assert_eq!(
            response.field_codes(),
            vec![(field.to_owned(), code.to_owned())],
            "{}",
            response.body
        );
    }
    let unknown_type = app
        .post(
            "/api/v1/custom-fields",
            Some(&admin.access_token),
            json!({"entity": "contact", "label": "Shoe size", "field_type": "shoe"}),
        )
        .await;
    assert_eq!(
        unknown_type.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unknown_type.body
    );
    assert_eq!(app.count_rows("custom_fields", "").await, 0);

    let text = app
        .post(
            "/api/v1/custom-fields",
            Some(&admin.access_token),
            json!({"entity": "contact", "label": "Nickname", "field_type": "text"}),
        )
        .await;
    let id = text.body["id"].as_str().expect("id");
    let options = app
        .put(
            &format!("/api/v1/custom-fields/{id}"),
            &admin.access_token,
            json!({"label": "Nickname", "options": ["A"]}),
        )
        .await;
    assert_eq!(
        options.field_codes(),
        vec![("options".to_owned(), "not_allowed".to_owned())]
    );
    let other = app.signup("Other", &unique_email("other")).await;
    let theirs = app
        .put(
            &format!("/api/v1/custom-fields/{id}"),
            &other.access_token,
            json!({"label": "Spy"}),
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "another organization's field");
}
on_both_databases!(bad_field_definitions_are_refused_naming_the_field);
