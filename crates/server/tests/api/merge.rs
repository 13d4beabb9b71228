use crate::helpers::{Backend, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn id(body: &Value) -> String {
    body["id"].as_str().expect("id").to_owned()
}

async fn a_merged_contact_leaves_every_deal_activity_note_tag_and_edit_to_the_survivor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let ann = app
        .post(
            "/api/v1/contacts",
            Some(token),
            json!({"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.example", "phone": "+1 555 0100", "tags": ["vip"]}),
        )
        .await;
    let dupe = app
        .post(
            "/api/v1/contacts",
            Some(token),
            json!({"first_name": "Ann", "last_name": "Lee", "email": "a.lee@acme.example", "title": "CTO", "tags": ["webinar"]}),
        )
        .await;
    let (ann_id, dupe_id) = (id(&ann.body), id(&dupe.body));
    let both = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({"title": "Both", "contact_ids": [ann_id, dupe_id]}),
        )
        .await;
    let only_dupe = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({"title": "Dupe only", "contact_ids": [dupe_id]}),
        )
        .await;
    app.post(
        "/api/v1/activities",
        Some(token),
        json!({"kind": "call", "subject": "Intro call", "contact_id": dupe_id}),
    )
    .await;
    app.post(
        &format!("/api/v1/contacts/{dupe_id}/notes"),
        Some(token),
        json!({"body": "Prefers email"}),
    )
    .await;
    app.put(
        &format!("/api/v1/contacts/{dupe_id}"),
        token,
        json!({"first_name": "Ann", "last_name": "Lee", "email": "a.lee@acme.example", "title": "Chief Technology Officer"}),
    )
    .await;

    let merged = app
        .post(
            "/api/v1/contacts/merge",
            Some(token),
            json!({"survivor_id": ann_id, "merged_id": dupe_id, "fields": {"email": "merged", "title": "merged"}}),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert_eq!(merged.body["email"], "a.lee@acme.example");
    assert_eq!(
        merged.body["other_emails"],
        json!(["ann@acme.example"]),
        "no address is lost"
    );
    assert_eq!(merged.body["title"], "Chief Technology Officer");
    assert_eq!(
        merged.body["phone"], "+1 555 0100",
        "fields left out keep the survivor's value"
    );
    assert_eq!(merged.body["tags"], json!(["vip", "webinar"]));

    let both = app.get(&format!("/api/v1/deals/{}", id(&both.body)), token).await;
    assert_eq!(both.body["contact_ids"], json!([ann_id]), "one link per deal");
    let only_dupe = app.get(&format!("/api/v1/deals/{}", id(&only_dupe.body)), token).await;
    assert_eq!(only_dupe.body["contact_ids"], json!([ann_id]));
    let calls = app.get(&format!("/api/v1/activities?contact_id={ann_id}"), token).await;
    assert_eq!(calls.body["total"], 1, "{}", calls.body);
    let timeline = app.get(&format!("/api/v1/contacts/{ann_id}/timeline"), token).await;
    let text = timeline.body.to_string();
    for expected in [
        "Prefers email",
        "Intro call",
        "Merged Ann Lee into this record",
        "Changed title",
    ] {
        assert!(text.contains(expected), "{expected} missing from {text}");
    }

    assert_eq!(
        app.get(&format!("/api/v1/contacts/{dupe_id}"), token).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/v1/contacts", token).await.body["total"], 1);
    let trash = app.get("/api/v1/trash?kind=contact", token).await;
    assert_eq!(trash.body["items"][0]["id"], json!(dupe_id));
    assert_eq!(app.count_rows("audit_log", "WHERE action = 'contact.merged'").await, 1);
}
on_both_databases!(a_merged_contact_leaves_every_deal_activity_note_tag_and_edit_to_the_survivor);

async fn a_refused_merge_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let other = app.signup("Other", &unique_email("other")).await;
    let token = &admin.access_token;
    let a = id(&app
        .post("/api/v1/contacts", Some(token), json!({"first_name": "A"}))
        .await
        .body);
    let b = id(&app
        .post("/api/v1/contacts", Some(token), json!({"first_name": "B"}))
        .await
        .body);
    let theirs = id(&app
        .post(
            "/api/v1/contacts",
            Some(&other.access_token),
            json!({"first_name": "T"}),
        )
        .await
        .body);

    let same = app
        .post(
            "/api/v1/contacts/merge",
            Some(token),
            json!({"survivor_id": a, "merged_id": a}),
        )
        .await;
    assert_eq!(same.field_codes(), vec![("merged_id".into(), "same_record".into())]);
    let unknown_field = app
        .post(
            "/api/v1/contacts/merge",
            Some(token),
            json!({"survivor_id": a, "merged_id": b, "fields": {"salary": "merged"}}),
        )
        .await;
    assert_eq!(
        unknown_field.field_codes(),
        vec![("fields.salary".into(), "unknown_field".into())]
    );
    let by_rep = app
        .post(
            "/api/v1/contacts/merge",
            Some(&rep.access_token),
            json!({"survivor_id": a, "merged_id": b}),
        )
        .await;
    assert_eq!(by_rep.status, StatusCode::FORBIDDEN);
    let foreign = app
        .post(
            "/api/v1/contacts/merge",
            Some(token),
            json!({"survivor_id": a, "merged_id": theirs}),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/contacts", token).await.body["total"], 2);
    assert_eq!(app.get("/api/v1/contacts", &other.access_token).await.body["total"], 1);
}
on_both_databases!(a_refused_merge_changes_nothing);

async fn a_merged_company_hands_its_contacts_and_deals_to_the_survivor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let old = id(&app
        .post(
            "/api/v1/companies",
            Some(token),
            json!({"name": "Globex", "domain": "globex.example"}),
        )
        .await
        .body);
    let new = id(&app
        .post(
            "/api/v1/companies",
            Some(token),
            json!({"name": "Globex Corp", "industry": "Energy"}),
        )
        .await
        .body);
    app.post(
        "/api/v1/contacts",
        Some(token),
        json!({"first_name": "Hank", "company_id": new}),
    )
    .await;
    app.post(
        "/api/v1/deals",
        Some(token),
        json!({"title": "Turbines", "company_id": new}),
    )
    .await;
    let merged = app
        .post(
            "/api/v1/companies/merge",
            Some(token),
            json!({"survivor_id": old, "merged_id": new, "fields": {"name": "merged"}}),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    assert_eq!(merged.body["name"], "Globex Corp");
    assert_eq!(merged.body["domain"], "globex.example");
    assert_eq!(merged.body["industry"], "Energy", "the survivor had none");
    assert_eq!(
        app.get(&format!("/api/v1/contacts?company_id={old}"), token).await.body["total"],
        1
    );
    assert_eq!(
        app.get(&format!("/api/v1/deals?company_id={old}"), token).await.body["total"],
        1
    );
    assert_eq!(app.get("/api/v1/companies", token).await.body["total"], 1);
}
on_both_databases!(a_merged_company_hands_its_contacts_and_deals_to_the_survivor);

async fn likely_duplicates_are_suggested_with_their_reason(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let initech = id(&app
        .post(
            "/api/v1/companies",
            Some(token),
            json!({"name": "Initech", "domain": "initech.example"}),
        )
        .await
        .body);
    app.post("/api/v1/companies", Some(token), json!({"name": "INITECH"}))
        .await;
    app.post(
        "/api/v1/companies",
        Some(token),
        json!({"name": "Initrode", "domain": "initech.example"}),
    )
    .await;
    app.post("/api/v1/companies", Some(token), json!({"name": "Umbrella"}))
        .await;
    for _ in 0..2 {
        app.post(
            "/api/v1/contacts",
            Some(token),
            json!({"first_name": "Peter", "last_name": "Gibbons", "company_id": initech}),
        )
        .await;
    }
    app.post(
        "/api/v1/contacts",
        Some(token),
        json!({"first_name": "Peter", "last_name": "Gibbons"}),
    )
    .await;
    app.post(
        "/api/v1/contacts",
        Some(token),
        json!({"first_name": "Milton", "email": "milton@initech.example"}),
    )
    .await;
    app.post(
        "/api/v1/contacts",
        Some(token),
        json!({"first_name": "M.", "last_name": "Waddams", "other_emails": ["milton@initech.example"]}),
    )
    .await;

    let contacts = app.get("/api/v1/contacts/duplicates", token).await;
    assert_eq!(contacts.status, StatusCode::OK, "{}", contacts.body);
    let mut reasons: Vec<String> = contacts
        .body
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            format!(
                "{}: {} / {}",
                p["reason"].as_str().unwrap_or_default(),
                p["first"]["name"],
                p["second"]["name"]
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        vec![
            "same_email: \"Milton\" / \"M. Waddams\"".to_owned(),
            "same_name_and_company: \"Peter Gibbons\" / \"Peter Gibbons\"".to_owned(),
        ]
    );
    let companies = app.get("/api/v1/companies/duplicates", token).await;
    let mut reasons: Vec<String> = companies
        .body
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            format!(
                "{}: {} / {}",
                p["reason"].as_str().unwrap_or_default(),
                p["first"]["name"],
                p["second"]["name"]
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        vec![
            "same_domain: \"Initech\" / \"Initrode\"".to_owned(),
            "same_name: \"Initech\" / \"INITECH\"".to_owned(),
        ]
    );
}
on_both_databases!(likely_duplicates_are_suggested_with_their_reason);
