//! An import writes records through the same path as the API: what it stores, how it
//! updates, and an undo that cannot read what it kept.

use crate::helpers::{Backend, TestApp, unique_email};
use crate::imports::{id, map, run, upload};
use crate::on_both_databases;
use kite_entity::{company, contact, deal, import_change};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

fn uuid(body: &Value) -> Uuid {
    id(body).parse().expect("a uuid")
}

/// The stored row of a record without what two records never share (who and what made
/// it, and when), and with the further `field: value`s given.
macro_rules! stored_row {
    ($entity:ident, $app:expr, $id:expr $(, $field:ident: $value:expr)*) => {
        $entity::Model {
            id: Uuid::nil(),
            created_by: None,
            created_at: Default::default(),
            updated_at: Default::default(),
            deleted_at: None,
            import_id: None,
            $($field: $value,)*
            ..$entity::Entity::find_by_id($id)
                .one(&$app.state.kite.db)
                .await
                .expect("query")
                .expect("the record")
        }
    };
}

/// Scores are derived in the background, at their own moment: not what the write stored.
async fn contact_row(app: &TestApp, id: Uuid) -> contact::Model {
    stored_row!(contact, app, id, score: None, score_detail: None, scored_at: None)
}

async fn company_row(app: &TestApp, id: Uuid) -> company::Model {
    stored_row!(company, app, id)
}

/// Imports `file` as `entity` with `mapping`, and says how it ended.
async fn import(
    app: &TestApp,
    session: &crate::helpers::Session,
    entity: &str,
    file: &str,
    mapping: Value,
    mode: &str,
) -> Value {
    let uploaded = upload(app, session, entity, "rows.csv", file.as_bytes().to_vec()).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let import = id(&uploaded.body);
    let mapped = map(app, session, &import, mapping, mode).await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.body);
    run(app, session, &import).await
}

/// The one live record of a list.
async fn only_live(app: &TestApp, token: &str, path: &str) -> Uuid {
    let list = app.get(path, token).await;
    assert_eq!(list.body["total"], 1, "{}", list.body);
    uuid(&list.body["items"][0])
}

async fn an_import_stores_a_contact_exactly_as_the_api_does(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let engines = app
        .post("/api/v1/companies", Some(token), json!({"name": "Analytical Engines"}))
        .await;
    let api = app
        .post(
            "/api/v1/contacts",
            Some(token),
            json!({
                "first_name": "  Ada ", "last_name": " Lovelace ", "email": " ADA@Example.COM ",
                "other_emails": [" Ada.L@Example.COM "], "phone": " +44 20 1234 ",
                "other_phones": [" +44 20 5678 "], "title": "  ", "source": "",
                "company_id": engines.body["id"],
            }),
        )
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    // In the trash its email is free again, so the file's row makes a contact of its own.
    let trashed = app.delete(&format!("/api/v1/contacts/{}", id(&api.body)), token).await;
    assert!(trashed.status.is_success(), "{}", trashed.body);

    let file = "First name,Last name,Email,Other emails,Phone,Other phones,Title,Source,Company\n\
                \"  Ada \",\" Lovelace \",\" ADA@Example.COM \",\" Ada.L@Example.COM ; \",\" +44 20 1234 \",\" +44 20 5678 \",\"  \",,Analytical Engines\n";
    let mapping = json!({
        "First name": "first_name", "Last name": "last_name", "Email": "email", "Other emails": "other_emails",
        "Phone": "phone", "Other phones": "other_phones", "Title": "title", "Source": "source", "Company": "company",
    });
    let done = import(&app, &admin, "contacts", file, mapping, "skip").await;
    assert_eq!(done["counts"]["created"], 1, "{done}");
    let imported = only_live(&app, token, "/api/v1/contacts").await;

    let expected = contact_row(&app, uuid(&api.body)).await;
    assert_eq!(contact_row(&app, imported).await, expected);
    assert_eq!(expected.email.as_deref(), Some("ada@example.com"));
    assert_eq!(expected.other_emails, r#"["ada.l@example.com"]"#);
    assert_eq!(expected.other_phones, r#"["+44 20 5678"]"#);
    assert_eq!((expected.title, expected.source), (None, None));
}
on_both_databases!(an_import_stores_a_contact_exactly_as_the_api_does);

async fn an_import_stores_a_company_exactly_as_the_api_does(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let api = app
        .post(
            "/api/v1/companies",
            Some(token),
            json!({
                "name": " Initech ", "domain": "HTTPS://WWW.Initech.example/about", "industry": " Software ",
                "size": " ", "phone": " 555 0100 ", "address": "", "website": " https://initech.example ",
                "notes": " Pays on time ",
            }),
        )
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    // In the trash it is no longer the company the file's domain names.
    let trashed = app.delete(&format!("/api/v1/companies/{}", id(&api.body)), token).await;
    assert!(trashed.status.is_success(), "{}", trashed.body);

    let file = "Name,Domain,Industry,Size,Phone,Address,Website,Notes\n\
                \" Initech \",HTTPS://WWW.Initech.example/about,\" Software \",\" \",\" 555 0100 \",,\" https://initech.example \",\" Pays on time \"\n";
    let mapping = json!({
        "Name": "name", "Domain": "domain", "Industry": "industry", "Size": "size", "Phone": "phone",
        "Address": "address", "Website": "website", "Notes": "notes",
    });
    let done = import(&app, &admin, "companies", file, mapping, "skip").await;
    assert_eq!(done["counts"]["created"], 1, "{done}");
    let imported = only_live(&app, token, "/api/v1/companies").await;

    let expected = company_row(&app, uuid(&api.body)).await;
    assert_eq!(company_row(&app, imported).await, expected);
    assert_eq!(expected.domain.as_deref(), Some("initech.example"));
    assert_eq!((expected.size, expected.address), (None, None));
}
on_both_databases!(an_import_stores_a_company_exactly_as_the_api_does);

async fn an_import_stores_a_deal_as_the_api_does(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let initrode = app
        .post("/api/v1/companies", Some(token), json!({"name": "Initrode"}))
        .await;
    let api = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({
                "title": " Big rollout ", "value": {"minor": 1_250_000, "currency": "USD"}, "probability": 40,
                "expected_close": "2026-12-31", "company_id": initrode.body["id"],
            }),
        )
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    let file = "Deal Name,Amount,Currency,Probability,Close Date,Company\n\
                \" Big rollout \",\"12,500.00\",\" usd \",40%,2026-12-31,Initrode\n";
    let mapping = json!({
        "Deal Name": "title", "Amount": "value", "Currency": "currency", "Probability": "probability",
        "Close Date": "expected_close", "Company": "company",
    });
    let done = import(&app, &admin, "deals", file, mapping, "skip").await;
    assert_eq!(done["counts"]["created"], 1, "{done}");
    let deals = app.get("/api/v1/deals", token).await.body;
    let imported = deals["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(uuid)
        .find(|d| *d != uuid(&api.body))
        .expect("the imported deal");
    // Where a deal lands in its column depends on the deals already there.
    let expected =
        stored_row!(deal, app, uuid(&api.body), position: 0.0, score: None, score_detail: None, scored_at: None);
    assert_eq!(
        stored_row!(deal, app, imported, position: 0.0, score: None, score_detail: None, scored_at: None),
        expected
    );
    assert_eq!((expected.title.as_str(), expected.probability), ("Big rollout", 40));
}
on_both_databases!(an_import_stores_a_deal_as_the_api_does);

async fn an_import_moving_a_deal_records_when_it_entered_the_stage_it_leaves(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let made = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({"title": "Rollout", "value": {"minor": 100, "currency": "EUR"}}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let file = format!("Id,Title,Stage\n{},Rollout,Qualified\n", id(&made.body));
    let mapping = json!({"Id": "id", "Title": "title", "Stage": "stage"});
    let done = import(&app, &admin, "deals", &file, mapping, "update").await;
    assert_eq!(done["counts"]["updated"], 1, "{done}");
    assert_eq!(
        app.count_rows(
            "deal_stage_history m JOIN deal_stage_history c ON c.deal_id = m.deal_id AND c.from_stage_id IS NULL",
            "WHERE m.from_stage_id IS NOT NULL AND m.entered_at = c.moved_at",
        )
        .await,
        1,
        "the stay in the first stage began when the deal was created"
    );
}
on_both_databases!(an_import_moving_a_deal_records_when_it_entered_the_stage_it_leaves);

async fn an_import_update_normalises_as_the_api_update_does(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let mut ids = Vec::new();
    for email in ["ann@example.com", "bob@example.com"] {
        let made = app
            .post(
                "/api/v1/contacts",
                Some(token),
                json!({"first_name": "Someone", "email": email, "title": "Intern", "other_emails": ["old@example.com"]}),
            )
            .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        ids.push(uuid(&made.body));
    }
    let edited = app
        .put(
            &format!("/api/v1/contacts/{}", ids[0]),
            token,
            json!({
                "first_name": " Ann ", "last_name": " Lee ", "email": " ANN@Example.com ",
                "other_emails": [" Ann.Lee@Example.COM "], "phone": " 555 0101 ", "other_phones": [" 555 0102 "],
                "title": " CEO ", "source": " Fair ", "lifecycle_stage": "customer",
            }),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    let file = "Email,First name,Last name,Other emails,Phone,Other phones,Title,Source,Stage\n\
                \" BOB@Example.com \",\" Ann \",\" Lee \",\" Ann.Lee@Example.COM ; \",\" 555 0101 \",\" 555 0102 \",\" CEO \",\" Fair \",Customer\n";
    let mapping = json!({
        "Email": "email", "First name": "first_name", "Last name": "last_name", "Other emails": "other_emails",
        "Phone": "phone", "Other phones": "other_phones", "Title": "title", "Source": "source",
        "Stage": "lifecycle_stage",
    });
    let done = import(&app, &admin, "contacts", file, mapping, "update").await;
    assert_eq!(done["counts"]["updated"], 1, "{done}");

    let by_api = contact_row(&app, ids[0]).await;
    let by_import = contact_row(&app, ids[1]).await;
    assert_eq!(by_api.email.as_deref(), Some("ann@example.com"));
    assert_eq!(by_import.email.as_deref(), Some("bob@example.com"));
    assert_eq!(by_api.other_emails, r#"["ann.lee@example.com"]"#);
    assert_eq!(
        contact::Model {
            email: None,
            ..by_import
        },
        contact::Model { email: None, ..by_api }
    );

    // Empty cells leave what the contact has.
    let sparse = "Email,Title,Phone\nbob@example.com,CTO,\n";
    let mapping = json!({"Email": "email", "Title": "title", "Phone": "phone"});
    import(&app, &admin, "contacts", sparse, mapping, "update").await;
    let after = contact_row(&app, ids[1]).await;
    assert_eq!(after.title.as_deref(), Some("CTO"));
    assert_eq!(after.phone.as_deref(), Some("555 0101"));
    assert_eq!(after.other_emails, r#"["ann.lee@example.com"]"#);
}
on_both_databases!(an_import_update_normalises_as_the_api_update_does);

async fn an_undo_that_cannot_read_what_the_import_kept_fails_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    let mut ids = Vec::new();
    for (name, email) in [("Ann", "ann@example.com"), ("Bob", "bob@example.com")] {
        let made = app
            .post(
                "/api/v1/contacts",
                Some(token),
                json!({"first_name": name, "email": email, "title": "Intern", "tags": ["old"]}),
            )
            .await;
        ids.push(uuid(&made.body));
    }
    let file = "Email,Title,Tags\nann@example.com,CEO,new\nbob@example.com,CTO,new\ncid@example.com,CFO,new\n";
    let uploaded = upload(&app, &admin, "contacts", "team.csv", file.as_bytes().to_vec()).await;
    let import = id(&uploaded.body);
    map(
        &app,
        &admin,
        &import,
        json!({"Email": "email", "Title": "title", "Tags": "tags"}),
        "update",
    )
    .await;
    let done = run(&app, &admin, &import).await;
    assert_eq!(
        (done["counts"]["created"].clone(), done["counts"]["updated"].clone()),
        (json!(1), json!(2))
    );
    ids.push(created_by_file(&app, token).await);
    let paths: Vec<String> = ids.iter().map(|id| format!("/api/v1/contacts/{id}")).collect();

    // Bob's snapshot is damaged; Ann's, intact, must not be put back either.
    let db = &app.state.kite.db;
    let bob = ids[1];
    let kept = import_change::Entity::find()
        .filter(import_change::Column::RecordId.eq(bob))
        .one(db)
        .await
        .expect("query")
        .expect("Bob's snapshot");
    let damaged = kept.before.replace("\"first_name\":\"Bob\"", "\"first_name\":42");
    assert_ne!(damaged, kept.before, "{}", kept.before);
    import_change::Entity::update_many()
        .col_expr(import_change::Column::Before, Expr::value(damaged))
        .filter(import_change::Column::RecordId.eq(bob))
        .exec(db)
        .await
        .expect("damage");

    // Scores are rescored in the background after the import: compare what undo writes.
    let unscored = |mut record: Value| {
        if let Some(object) = record.as_object_mut() {
            object.remove("score");
        }
        record
    };
    let mut before_undo = Vec::new();
    for path in &paths {
        before_undo.push(unscored(app.get(path, token).await.body));
    }
    let undo_path = format!("/api/v1/imports/{import}/undo");
    let refused = app.post(&undo_path, Some(token), json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.code(), "import_snapshot_unreadable");
    assert_eq!(refused.body["details"]["record_id"], json!(bob.to_string()));
    for (path, before) in paths.iter().zip(&before_undo) {
        let now = app.get(path, token).await;
        assert_eq!(now.status, StatusCode::OK, "{path} is still live");
        assert_eq!(&unscored(now.body), before, "{path} is as it was");
    }
    assert_eq!(before_undo[0]["title"], "CEO");
    assert_eq!(before_undo[1]["tags"], json!(["new", "old"]));
    let status = app.get(&format!("/api/v1/imports/{import}"), token).await;
    assert_eq!(status.body["status"], "done", "the import can still be undone");

    // Once the snapshot is repaired, the undo goes through.
    import_change::Entity::update_many()
        .col_expr(import_change::Column::Before, Expr::value(kept.before))
        .filter(import_change::Column::RecordId.eq(bob))
        .exec(db)
        .await
        .expect("repair");
    let undone = app.post(&undo_path, Some(token), json!({})).await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.body);
    let bob_now = app.get(&paths[1], token).await.body;
    assert_eq!(
        (bob_now["title"].clone(), bob_now["tags"].clone()),
        (json!("Intern"), json!(["old"]))
    );
    assert_eq!(app.get(&paths[2], token).await.status, StatusCode::NOT_FOUND);
}
on_both_databases!(an_undo_that_cannot_read_what_the_import_kept_fails_and_changes_nothing);

/// The contact the file of the undo test created.
async fn created_by_file(app: &TestApp, token: &str) -> Uuid {
    let list = app.get("/api/v1/contacts?sort=email", token).await;
    list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["email"] == "cid@example.com")
        .map(uuid)
        .expect("the imported contact")
}
