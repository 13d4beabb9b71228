use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn companies_are_created_listed_sorted_and_searched(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for (name, domain) in [
        ("Zeta Labs", "https://www.Zeta.io/about"),
        ("Alpha Co", "alpha.com"),
        ("Mid Corp", ""),
    ] {
        let created = app
            .post(
                "/api/v1/companies",
                Some(&admin.access_token),
                json!({"name": name, "domain": domain}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    }
    let list = app.get("/api/v1/companies?sort=-name", &admin.access_token).await;
    assert_eq!(list.body["total"], 3);
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["Zeta Labs", "Mid Corp", "Alpha Co"]);
    assert_eq!(
        list.body["items"][0]["domain"], "zeta.io",
        "domains are stored as the bare host"
    );
    assert_eq!(list.body["items"][0]["owner_id"], admin.user_id, "the creator owns it");
    let search = app.get("/api/v1/companies?q=ALPH", &admin.access_token).await;
    assert_eq!(search.body["total"], 1);
    let bad_sort = app.get("/api/v1/companies?sort=password", &admin.access_token).await;
    assert_eq!(bad_sort.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_sort.field_codes(), vec![("sort".into(), "unknown_column".into())]);
}
on_both_databases!(companies_are_created_listed_sorted_and_searched);

async fn an_invalid_company_is_refused_field_by_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let response = app
        .post(
            "/api/v1/companies",
            Some(&admin.access_token),
            json!({"name": " ", "domain": "not a domain"}),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = response.field_codes();
    assert!(fields.contains(&("name".into(), "required".into())), "{fields:?}");
    assert!(
        fields.contains(&("domain".into(), "invalid_domain".into())),
        "{fields:?}"
    );
    assert_eq!(app.count_rows("companies", "").await, 0);
}
on_both_databases!(an_invalid_company_is_refused_field_by_field);

async fn reps_edit_their_own_companies_only_and_viewers_none(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let viewer = app.add_user(&admin, &unique_email("viewer"), "viewer").await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let admins = app
        .post(
            "/api/v1/companies",
            Some(&admin.access_token),
            json!({"name": "Admin's"}),
        )
        .await;
    let reps = app
        .post("/api/v1/companies", Some(&rep.access_token), json!({"name": "Rep's"}))
        .await;
    let admins_path = format!("/api/v1/companies/{}", admins.body["id"].as_str().expect("id"));
    let reps_path = format!("/api/v1/companies/{}", reps.body["id"].as_str().expect("id"));

    let own = app
        .call(
            Method::PUT,
            &reps_path,
            Some(&rep.access_token),
            Some(json!({"name": "Rep's renamed"})),
        )
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    let other = app
        .call(
            Method::PUT,
            &admins_path,
            Some(&rep.access_token),
            Some(json!({"name": "Taken"})),
        )
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let by_manager = app
        .call(
            Method::PUT,
            &reps_path,
            Some(&manager.access_token),
            Some(json!({"name": "Managed"})),
        )
        .await;
    assert_eq!(by_manager.status, StatusCode::OK);
    let viewer_create = app
        .post("/api/v1/companies", Some(&viewer.access_token), json!({"name": "No"}))
        .await;
    assert_eq!(viewer_create.status, StatusCode::FORBIDDEN);
    let viewer_read = app.get(&admins_path, &viewer.access_token).await;
    assert_eq!(viewer_read.status, StatusCode::OK);
    let give_away = app
        .call(
            Method::PUT,
            &reps_path,
            Some(&rep.access_token),
            Some(json!({"name": "Mine", "owner_id": admin.user_id})),
        )
        .await;
    assert_eq!(give_away.field_codes(), vec![("owner_id".into(), "not_allowed".into())]);
    let rep_delete = app
        .call(Method::DELETE, &reps_path, Some(&rep.access_token), None)
        .await;
    assert_eq!(rep_delete.status, StatusCode::FORBIDDEN);
}
on_both_databases!(reps_edit_their_own_companies_only_and_viewers_none);

async fn deleted_companies_go_to_the_trash_and_admins_restore_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let manager = app.add_user(&admin, &unique_email("manager"), "manager").await;
    let created = app
        .post(
            "/api/v1/companies",
            Some(&admin.access_token),
            json!({"name": "Gone Ltd"}),
        )
        .await;
    let path = format!("/api/v1/companies/{}", created.body["id"].as_str().expect("id"));
    assert_eq!(app.get("/api/v1/companies", &admin.access_token).await.body["total"], 1);
    let deleted = app.call(Method::DELETE, &path, Some(&manager.access_token), None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path, &admin.access_token).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/api/v1/companies", &admin.access_token).await.body["total"],
        0,
        "the cached total follows"
    );
    let by_manager = app
        .post(&format!("{path}/restore"), Some(&manager.access_token), json!({}))
        .await;
    assert_eq!(by_manager.status, StatusCode::FORBIDDEN);
    let restored = app
        .post(&format!("{path}/restore"), Some(&admin.access_token), json!({}))
        .await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(app.get(&path, &admin.access_token).await.body["name"], "Gone Ltd");
}
on_both_databases!(deleted_companies_go_to_the_trash_and_admins_restore_them);

async fn another_organizations_company_is_not_found(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ours = app.signup("Ours", &unique_email("ours")).await;
    let theirs = app.signup("Theirs", &unique_email("theirs")).await;
    let created = app
        .post(
            "/api/v1/companies",
            Some(&theirs.access_token),
            json!({"name": "Secret"}),
        )
        .await;
    let path = format!("/api/v1/companies/{}", created.body["id"].as_str().expect("id"));
    assert_eq!(app.get(&path, &ours.access_token).await.status, StatusCode::NOT_FOUND);
    let edit = app
        .call(
            Method::PUT,
            &path,
            Some(&ours.access_token),
            Some(json!({"name": "Mine"})),
        )
        .await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
    let delete = app.call(Method::DELETE, &path, Some(&ours.access_token), None).await;
    assert_eq!(delete.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/companies", &ours.access_token).await.body["total"], 0);
    assert_eq!(app.get(&path, &theirs.access_token).await.body["name"], "Secret");
}
on_both_databases!(another_organizations_company_is_not_found);
