use crate::helpers::{Backend, Session, TestApp, read, unique_email};
use crate::on_both_databases;
use calamine::{Data, Reader, Xlsx};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use std::time::Instant;

/// Uploads a file, keeps the suggested mapping, runs it in update mode and waits.
async fn reimport(app: &TestApp, session: &Session, entity: &str, file: Vec<u8>) -> Value {
    let form = Form::new()
        .text("entity", entity.to_owned())
        .part("file", Part::bytes(file).file_name(format!("{entity}.csv")));
    let uploaded = read(
        app.client
            .post(format!("{}/api/v1/imports", app.address))
            .bearer_auth(&session.access_token)
            .multipart(form)
            .send()
            .await
            .expect("upload"),
    )
    .await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let id = uploaded.body["id"].as_str().expect("id").to_owned();
    let mapping = uploaded.body["suggested_mapping"].clone();
    let mapped = app
        .put(
            &format!("/api/v1/imports/{id}/mapping"),
            &session.access_token,
            json!({"mapping": mapping, "duplicates": "update"}),
        )
        .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.body);
    let started = app
        .post(
            &format!("/api/v1/imports/{id}/run"),
            Some(&session.access_token),
            json!({}),
        )
        .await;
    let job = started.body["job_id"].as_str().expect("job").to_owned();
    let begun = Instant::now();
    while app
        .get(&format!("/api/v1/jobs/{job}"), &session.access_token)
        .await
        .body["status"]
        != "succeeded"
    {
        assert!(begun.elapsed().as_secs() < 30, "import never finished");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let done = app
        .get(&format!("/api/v1/imports/{id}"), &session.access_token)
        .await
        .body;
    json!({"mapping": mapping, "counts": done["counts"]})
}

/// The rows without what moves on its own: the update time, and the score (rescored in
/// the background after the import).
fn without_updated_at(list: &Value) -> Value {
    let mut items = list["items"].clone();
    for item in items.as_array_mut().into_iter().flatten() {
        if let Some(object) = item.as_object_mut() {
            object.remove("updated_at");
            object.remove("score");
        }
    }
    items
}

async fn an_export_imported_back_in_update_mode_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let rep = app.add_user(&admin, &unique_email("rep"), "sales_rep").await;
    let token = &admin.access_token;
    let globex = app
        .post(
            "/api/v1/companies",
            Some(token),
            json!({"name": "Globex", "domain": "globex.example", "industry": "Energy", "notes": "=1+1", "tags": ["partner"]}),
        )
        .await;
    app.post(
        "/api/v1/companies",
        Some(token),
        json!({"name": "Initech", "owner_id": rep.user_id}),
    )
    .await;
    app.post(
        "/api/v1/contacts",
        Some(token),
        json!({"first_name": "Hank", "last_name": "Scorpio", "email": "hank@globex.example", "other_emails": ["h@globex.example"],
               "phone": "+1 555 0100", "title": "CEO", "company_id": globex.body["id"], "lifecycle_stage": "customer",
               "source": "Referral", "owner_id": rep.user_id, "tags": ["vip", "board"]}),
    )
    .await;
    app.post(
        "/api/v1/contacts",
        Some(token),
        json!({"first_name": "Marge", "email": "marge@example.com"}),
    )
    .await;

    let board = app.get("/api/v1/pipelines", token).await.body;
    let stages = board[0]["stages"].as_array().expect("stages").clone();
    let stage = |kind: &str| {
        stages
            .iter()
            .find(|s| s["kind"] == kind)
            .map(|s| s["id"].clone())
            .expect("a stage")
    };
    let won = app
        .post(
            "/api/v1/deals",
            Some(token),
            json!({"title": "Globex renewal", "value": {"minor": 125_050, "currency": "USD"}, "company_id": globex.body["id"],
                   "expected_close": "2027-01-15", "probability": 55, "tags": ["q1"], "owner_id": rep.user_id}),
        )
        .await;
    let moved = app
        .post(
            &format!("/api/v1/deals/{}/move", won.body["id"].as_str().expect("deal")),
            Some(token),
            json!({"stage_id": stage("won")}),
        )
        .await;
    assert_eq!(moved.body["status"], "won", "{}", moved.body);
    let lost = app
        .post("/api/v1/deals", Some(token), json!({"title": "-Lost cause"}))
        .await;
    let moved = app
        .post(
            &format!("/api/v1/deals/{}/move", lost.body["id"].as_str().expect("deal")),
            Some(token),
            json!({"stage_id": stage("lost"), "lost_reason": "Budget"}),
        )
        .await;
    assert_eq!(moved.body["status"], "lost", "{}", moved.body);

    for (entity, list) in [
        ("contacts", "/api/v1/contacts?sort=email"),
        ("companies", "/api/v1/companies?sort=name"),
        ("deals", "/api/v1/deals?sort=title"),
    ] {
        let before = app.get(list, token).await.body;
        let (status, file) = app
            .download(&admin, &format!("/api/v1/{entity}/export?format=csv"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let outcome = reimport(&app, &admin, entity, file).await;
        assert_eq!(outcome["counts"]["updated"], 2, "{entity}: {outcome}");
        assert_eq!(outcome["counts"]["created"], 0, "{entity}: {outcome}");
        assert_eq!(outcome["counts"]["failed"], 0, "{entity}: {outcome}");
        let after = app.get(list, token).await.body;
        assert_eq!(
            without_updated_at(&after),
            without_updated_at(&before),
            "{entity} changed: {outcome}"
        );
    }
}
on_both_databases!(an_export_imported_back_in_update_mode_changes_nothing);

async fn exports_follow_the_lists_filters_and_escape_formulas(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = &admin.access_token;
    for (name, stage, title) in [
        ("Ann", "customer", "=HYPERLINK(\"http://evil.example\")"),
        ("Bob", "lead", "Buyer"),
        ("Cy", "customer", "@SUM(A1)"),
    ] {
        app.post(
            "/api/v1/contacts",
            Some(token),
            json!({"first_name": name, "lifecycle_stage": stage, "title": title}),
        )
        .await;
    }
    let (status, csv) = app
        .download(
            &admin,
            "/api/v1/contacts/export?lifecycle_stage=customer&sort=-first_name",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8(csv).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("\u{feff}Kite id,First name,Last name,Email"),
        "{text}"
    );
    assert!(lines[1].contains(",Cy,") && lines[1].contains("'@SUM(A1)"), "{text}");
    assert!(
        lines[2].contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""),
        "{text}"
    );

    let (status, xlsx) = app
        .download(&admin, "/api/v1/contacts/export?format=xlsx&sort=first_name")
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut book = Xlsx::new(std::io::Cursor::new(xlsx)).expect("a workbook");
    let sheet = book.worksheet_range("contacts").expect("the sheet");
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[1][1], Data::String("Ann".into()));
    assert_eq!(rows[1][7], Data::String("'=HYPERLINK(\"http://evil.example\")".into()));

    let bad = app.get("/api/v1/contacts/export?format=pdf", token).await;
    assert_eq!(bad.field_codes(), vec![("format".into(), "invalid_format".into())]);
    let unknown_filter = app.get("/api/v1/contacts/export?colour=red", token).await;
    assert_eq!(unknown_filter.code(), "invalid_query", "as the list answers");
    let bad_sort = app.get("/api/v1/contacts/export?sort=shoe_size", token).await;
    assert_eq!(bad_sort.field_codes(), vec![("sort".into(), "unknown_column".into())]);
    assert_eq!(
        app.count_rows("audit_log", "WHERE action = 'contacts.exported'").await,
        3,
        "every export is audited"
    );
}
on_both_databases!(exports_follow_the_lists_filters_and_escape_formulas);

async fn an_export_that_pages_while_contacts_are_added_and_removed_has_every_row_once(backend: Backend) {
    // Two rows per query, so the export reads many pages while the writes go on.
    let app = TestApp::spawn_with(backend, |config| config.export_page_rows = 2).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let token = admin.access_token.clone();
    let letters = ["a", "b", "c", "d", "e", "f", "g", "h"];
    let mut kept = Vec::new();
    let mut doomed = Vec::new();
    for (i, first) in letters.iter().enumerate() {
        for second in letters {
            let last = format!("m{first}{second}");
            let created = app
                .post(
                    "/api/v1/contacts",
                    Some(&token),
                    json!({"first_name": "Export", "last_name": last}),
                )
                .await;
            assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
            let id = created.body["id"].as_str().expect("id").to_owned();
            if i == letters.len() - 1 {
                doomed.push(id);
            } else {
                kept.push(id);
            }
        }
    }

    let mut response = app
        .client
        .get(format!("{}/api/v1/contacts/export?sort=last_name", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), StatusCode::OK);
    let mut csv = response.chunk().await.expect("first page").expect("bytes").to_vec();
    // While the rest streams: contacts that sort before the rows already exported, and
    // removals of rows not exported yet.
    let writes = {
        let (client, address, token) = (app.client.clone(), app.address.clone(), token.clone());
        actix_web::rt::spawn(async move {
            for (i, id) in doomed.iter().enumerate() {
                let added = client
                    .post(format!("{address}/api/v1/contacts"))
                    .bearer_auth(&token)
                    .json(&json!({"first_name": "Late", "last_name": format!("a{}", letters[i])}))
                    .send()
                    .await
                    .expect("add");
                assert_eq!(added.status(), StatusCode::CREATED);
                let removed = client
                    .delete(format!("{address}/api/v1/contacts/{id}"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("remove");
                assert_eq!(removed.status(), StatusCode::NO_CONTENT);
            }
        })
    };
    while let Some(chunk) = response.chunk().await.expect("the rest") {
        csv.extend_from_slice(&chunk);
    }
    writes.await.expect("the writes");

    let text = String::from_utf8(csv).expect("utf-8");
    let rows: Vec<(&str, &str)> = text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cells = line.split(',');
            Some((cells.next()?, cells.nth(1)?))
        })
        .collect();
    let mut ids: Vec<&str> = rows.iter().map(|(id, _)| *id).collect();
    let exported = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), exported, "no row twice: {text}");
    for id in &kept {
        assert!(ids.contains(&id.as_str()), "{id} was skipped: {text}");
    }
    assert!(
        rows.iter().all(|(_, last)| last.starts_with('m')),
        "rows added before the export's place are not picked up halfway: {text}"
    );
    let names: Vec<&str> = rows.iter().map(|(_, last)| *last).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "in the list's order");
}
on_both_databases!(an_export_that_pages_while_contacts_are_added_and_removed_has_every_row_once);
