//! Custom field values on records: typed in the API, validated against their field
//! (422 naming `custom_fields.<key>`, nothing written), filtered on in lists with
//! `cf.<key>`, kept through merges, and guarding the options records use.

use crate::helpers::{Backend, Session, TestApp, unique_email};
use crate::on_both_databases;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn define(app: &TestApp, admin: &Session, field: Value) -> String {
    let created = app
        .post("/api/v1/custom-fields", Some(&admin.access_token), field)
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body["key"].as_str().expect("key").to_owned()
}

/// A new contact with custom `values`, as the API answers it.
async fn contact_with(app: &TestApp, admin: &Session, first_name: &str, values: Value) -> Value {
    let created = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": first_name, "custom_fields": values}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created.body
}

/// A field of every type on contacts; `tier` is required.
async fn every_type(app: &TestApp, admin: &Session) {
    for (label, field_type, extra) in [
        (
            "Tier",
            "single_select",
            json!({"options": ["Gold", "Silver", "Bronze"], "required": true}),
        ),
        ("Nickname", "text", json!({})),
        ("Bio", "long_text", json!({})),
        ("Seats", "number", json!({})),
        ("ARR", "currency", json!({"currency": "EUR"})),
        ("Renewal", "date", json!({})),
        ("VIP", "boolean", json!({})),
        (
            "Channels",
            "multi_select",
            json!({"options": ["Email", "Phone", "Chat"]}),
        ),
        ("Homepage", "url", json!({})),
        ("Billing email", "email", json!({})),
        ("Account manager", "user", json!({})),
    ] {
        let mut body = json!({"entity": "contact", "label": label, "field_type": field_type});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        define(app, admin, body).await;
    }
}

async fn values_of_every_type_are_stored_typed_and_partly_updated(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    every_type(&app, &admin).await;
    let values = json!({
        "tier": "gold",
        "nickname": "  Countess ",
        "bio": "Wrote the first program.",
        "seats": 12,
        "arr": 1250.5,
        "renewal": "2027-03-31",
        "vip": true,
        "channels": ["Chat", "email"],
        "homepage": "https://ada.example/about",
        "billing_email": "Billing@Ada.Example",
        "account_manager": admin.user_id,
    });
    let created = contact_with(&app, &admin, "Ada", values).await;
    let expected = json!({
        "tier": "Gold",
        "nickname": "Countess",
        "bio": "Wrote the first program.",
        "seats": 12.0,
        "arr": 1250.5,
        "renewal": "2027-03-31",
        "vip": true,
        "channels": ["Email", "Chat"],
        "homepage": "https://ada.example/about",
        "billing_email": "billing@ada.example",
        "account_manager": admin.user_id,
    });
    assert_eq!(
        created["custom_fields"], expected,
        "options take the field's spelling and order"
    );
    let id = created["id"].as_str().expect("id").to_owned();
    let read = app.get(&format!("/api/v1/contacts/{id}"), &admin.access_token).await;
    assert_eq!(read.body["custom_fields"], expected);
    let listed = app.get("/api/v1/contacts", &admin.access_token).await;
    assert_eq!(listed.body["items"][0]["custom_fields"], expected);

    // An edit that gives only some keys leaves the others; null clears one.
    let updated = app
        .put(
            &format!("/api/v1/contacts/{id}"),
            &admin.access_token,
            json!({"first_name": "Ada", "custom_fields": {"seats": 15, "bio": null}}),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK, "{}", updated.body);
    assert_eq!(updated.body["custom_fields"]["seats"], 15.0);
    assert!(updated.body["custom_fields"].get("bio").is_none(), "{}", updated.body);
    assert_eq!(updated.body["custom_fields"]["tier"], "Gold");
    assert_ne!(
        updated.body["updated_at"], created["updated_at"],
        "a change of custom values alone is a change of the record"
    );
    assert_eq!(
        app.count_rows(
            "audit_log",
            "WHERE action = 'contact.updated' AND CAST(after AS TEXT) LIKE '%seats%15%'"
        )
        .await,
        1,
        "the audit trail (and the webhooks it feeds) carries the values"
    );
}
on_both_databases!(values_of_every_type_are_stored_typed_and_partly_updated);

async fn wrong_values_are_refused_naming_the_field_and_write_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    every_type(&app, &admin).await;
    let cases = [
        (
            json!({"tier": "Gold", "seats": "twelve"}),
            "custom_fields.seats",
            "wrong_type",
        ),
        (json!({"tier": "Platinum"}), "custom_fields.tier", "unknown_option"),
        (
            json!({"tier": "Gold", "channels": ["Fax"]}),
            "custom_fields.channels",
            "unknown_option",
        ),
        (
            json!({"tier": "Gold", "renewal": "31/03/2027"}),
            "custom_fields.renewal",
            "invalid_date",
        ),
        (json!({"tier": "Gold", "vip": "yes"}), "custom_fields.vip", "wrong_type"),
        (
            json!({"tier": "Gold", "arr": 10.001}),
            "custom_fields.arr",
            "invalid_amount",
        ),
        (
            json!({"tier": "Gold", "homepage": "javascript:alert(1)"}),
            "custom_fields.homepage",
            "invalid_url",
        ),
        (
            json!({"tier": "Gold", "billing_email": "nope"}),
            "custom_fields.billing_email",
            "invalid_email",
        ),
        (
            json!({"tier": "Gold", "account_manager": "0190a0a0-0000-7000-8000-000000000000"}),
            "custom_fields.account_manager",
            "unknown_user",
        ),
        (
            json!({"tier": "Gold", "shoe_size": 42}),
            "custom_fields.shoe_size",
            "unknown_field",
        ),
        (json!({"nickname": "No tier"}), "custom_fields.tier", "required"),
    ];
    for (values, field, code) in cases {
        let response = app
            .post(
                "/api/v1/contacts",
                Some(&admin.access_token),
                json!({"first_name": "Ada", "custom_fields": values}),
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", response.body);
        assert_eq!(
            response.field_codes(),
            vec![(field.to_owned(), code.to_owned())],
            "{}",
            response.body
        );
    }
    assert_eq!(app.count_rows("contacts", "").await, 0, "nothing half-written");
    assert_eq!(app.count_rows("custom_field_values", "").await, 0);

    let created = contact_with(&app, &admin, "Ada", json!({"tier": "Gold"})).await;
    let id = created["id"].as_str().expect("id");
    let cleared = app
        .put(
            &format!("/api/v1/contacts/{id}"),
            &admin.access_token,
            json!({"first_name": "Ada Lovelace", "custom_fields": {"tier": null}}),
        )
        .await;
    assert_eq!(
        cleared.field_codes(),
        vec![("custom_fields.tier".to_owned(), "required".to_owned())]
    );
    let kept = app.get(&format!("/api/v1/contacts/{id}"), &admin.access_token).await;
    assert_eq!(
        (
            kept.body["first_name"].as_str(),
            kept.body["custom_fields"]["tier"].as_str()
        ),
        (Some("Ada"), Some("Gold")),
        "the refused edit changed nothing"
    );
}
on_both_databases!(wrong_values_are_refused_naming_the_field_and_write_nothing);

async fn lists_filter_on_custom_fields_of_every_kind(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    every_type(&app, &admin).await;
    for (name, values) in [
        (
            "Ada",
            json!({"tier": "Gold", "seats": 5, "renewal": "2027-01-15", "vip": true, "nickname": "Countess", "channels": ["Email", "Chat"]}),
        ),
        (
            "Grace",
            json!({"tier": "Silver", "seats": 50, "renewal": "2027-06-01", "vip": false, "channels": ["Phone"]}),
        ),
        ("Edsger", json!({"tier": "Gold", "seats": 500, "nickname": "EWD"})),
    ] {
        contact_with(&app, &admin, name, values).await;
    }
    let names = |body: &Value| -> Vec<String> {
        let mut names: Vec<String> = body["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["first_name"].as_str().map(str::to_owned))
            .collect();
        names.sort();
        names
    };
    for (query, expected) in [
        ("cf.tier=gold", vec!["Ada", "Edsger"]),
        ("cf.seats.min=10&cf.seats.max=100", vec!["Grace"]),
        ("cf.seats.min=5", vec!["Ada", "Edsger", "Grace"]),
        ("cf.renewal.max=2027-03-01", vec!["Ada"]),
        ("cf.vip=true", vec!["Ada"]),
        ("cf.vip=false", vec!["Edsger", "Grace"]),
        ("cf.nickname=count", vec!["Ada"]),
        ("cf.channels=Email", vec!["Ada"]),
        ("cf.tier=Gold&cf.seats.min=100", vec!["Edsger"]),
        ("cf.tier=Gold&q=ada", vec!["Ada"]),
    ] {
        let listed = app.get(&format!("/api/v1/contacts?{query}"), &admin.access_token).await;
        assert_eq!(listed.status, StatusCode::OK, "{query}: {}", listed.body);
        assert_eq!(names(&listed.body), expected, "{query}");
        assert_eq!(
            listed.body["total"],
            expected.len(),
            "{query}: the total counts the matches"
        );
    }
    for (query, field, code) in [
        ("cf.shoe_size=42", "cf.shoe_size", "unknown_field"),
        ("cf.seats=many", "cf.seats", "invalid_number"),
        ("cf.tier=Platinum", "cf.tier", "unknown_option"),
        ("cf.tier.min=Gold", "cf.tier.min", "not_comparable"),
        ("cf.renewal.min=soon", "cf.renewal.min", "invalid_date"),
    ] {
        let refused = app.get(&format!("/api/v1/contacts?{query}"), &admin.access_token).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            refused.body
        );
        assert_eq!(
            refused.field_codes(),
            vec![(field.to_owned(), code.to_owned())],
            "{query}"
        );
    }

    // Companies and deals filter the same way.
    define(
        &app,
        &admin,
        json!({"entity": "company", "label": "Region", "field_type": "single_select", "options": ["EU", "US"]}),
    )
    .await;
    define(
        &app,
        &admin,
        json!({"entity": "deal", "label": "Seats", "field_type": "number"}),
    )
    .await;
    for (name, region) in [("Acme EU", "EU"), ("Acme US", "US")] {
        app.post(
            "/api/v1/companies",
            Some(&admin.access_token),
            json!({"name": name, "custom_fields": {"region": region}}),
        )
        .await;
    }
    let eu = app.get("/api/v1/companies?cf.region=EU", &admin.access_token).await;
    assert_eq!(eu.body["total"], 1, "{}", eu.body);
    assert_eq!(eu.body["items"][0]["name"], "Acme EU");
    let pipelines = app.get("/api/v1/pipelines", &admin.access_token).await;
    let pipeline = pipelines.body[0]["id"].as_str().expect("a pipeline").to_owned();
    for (title, seats) in [("Small", 5), ("Large", 500)] {
        let deal = app
            .post(
                "/api/v1/deals",
                Some(&admin.access_token),
                json!({"title": title, "pipeline_id": pipeline, "value": {"minor": 100, "currency": "EUR"}, "custom_fields": {"seats": seats}}),
            )
            .await;
        assert_eq!(deal.status, StatusCode::CREATED, "{}", deal.body);
    }
    let large = app.get("/api/v1/deals?cf.seats.min=100", &admin.access_token).await;
    assert_eq!(large.body["total"], 1, "{}", large.body);
    assert_eq!(large.body["items"][0]["title"], "Large");
    let unknown = app.get("/api/v1/activities?cf.seats=1", &admin.access_token).await;
    assert_eq!(
        unknown.status,
        StatusCode::BAD_REQUEST,
        "lists without custom fields refuse them"
    );
}
on_both_databases!(lists_filter_on_custom_fields_of_every_kind);

async fn an_option_records_hold_cannot_be_removed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    let created = app
        .post(
            "/api/v1/custom-fields",
            Some(&admin.access_token),
            json!({"entity": "contact", "label": "Tier", "field_type": "single_select", "options": ["Gold", "Silver"]}),
        )
        .await;
    let field = created.body["id"].as_str().expect("id").to_owned();
    let contact = contact_with(&app, &admin, "Ada", json!({"tier": "Silver"})).await;
    let contact = contact["id"].as_str().expect("id").to_owned();
    let refused = app
        .put(
            &format!("/api/v1/custom-fields/{field}"),
            &admin.access_token,
            json!({"label": "Tier", "options": ["Gold"]}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(
        refused.field_codes(),
        vec![("options".to_owned(), "option_in_use".to_owned())]
    );
    let unchanged = app
        .get("/api/v1/custom-fields?entity=contact", &admin.access_token)
        .await;
    assert_eq!(unchanged.body[0]["options"], json!(["Gold", "Silver"]));

    app.put(
        &format!("/api/v1/contacts/{contact}"),
        &admin.access_token,
        json!({"first_name": "Ada", "custom_fields": {"tier": "Gold"}}),
    )
    .await;
    let removed = app
        .put(
            &format!("/api/v1/custom-fields/{field}"),
            &admin.access_token,
            json!({"label": "Tier", "options": ["Gold", "Bronze"]}),
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
}
on_both_databases!(an_option_records_hold_cannot_be_removed);

async fn a_merge_keeps_the_survivors_values_and_takes_the_ones_it_lacks(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    for (label, field_type) in [("Nickname", "text"), ("Seats", "number")] {
        define(
            &app,
            &admin,
            json!({"entity": "contact", "label": label, "field_type": field_type}),
        )
        .await;
    }
    let mut ids = Vec::new();
    for (name, values) in [
        ("Ada", json!({"nickname": "Countess"})),
        ("Ada L.", json!({"nickname": "Enchantress", "seats": 3})),
    ] {
        let created = contact_with(&app, &admin, name, values).await;
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    let merged = app
        .post(
            "/api/v1/contacts/merge",
            Some(&admin.access_token),
            json!({"survivor_id": ids[0], "merged_id": ids[1], "fields": {}}),
        )
        .await;
    assert_eq!(merged.status, StatusCode::OK, "{}", merged.body);
    let survivor = app
        .get(&format!("/api/v1/contacts/{}", ids[0]), &admin.access_token)
        .await;
    assert_eq!(
        survivor.body["custom_fields"],
        json!({"nickname": "Countess", "seats": 3.0})
    );
}
on_both_databases!(a_merge_keeps_the_survivors_values_and_takes_the_ones_it_lacks);

async fn an_export_has_a_column_per_custom_field_and_keeps_the_filter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Tier", "field_type": "single_select", "options": ["Gold", "Silver"]}),
    )
    .await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Channels", "field_type": "multi_select", "options": ["Email", "Phone"]}),
    )
    .await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Seats", "field_type": "number"}),
    )
    .await;
    for (name, values) in [
        (
            "Ada",
            json!({"tier": "Gold", "channels": ["Email", "Phone"], "seats": 12}),
        ),
        ("Grace", json!({"tier": "Silver"})),
    ] {
        contact_with(&app, &admin, name, values).await;
    }
    let (status, bytes) = app
        .download(&admin, "/api/v1/contacts/export?format=csv&cf.tier=Gold")
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(bytes).expect("utf-8");
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with("Created at,Tier,Channels,Seats"), "{}", lines[0]);
    assert_eq!(lines.len(), 2, "only the filtered contact: {csv}");
    assert!(
        lines[1].contains("Ada") && lines[1].ends_with(",Gold,Email; Phone,12"),
        "{}",
        lines[1]
    );
}
on_both_databases!(an_export_has_a_column_per_custom_field_and_keeps_the_filter);

async fn an_export_imported_back_sets_and_undoes_custom_values(backend: Backend) {
    use crate::imports::{id, map, run, upload};
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Tier", "field_type": "single_select", "options": ["Gold", "Silver"]}),
    )
    .await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Seats", "field_type": "number"}),
    )
    .await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "VIP", "field_type": "boolean"}),
    )
    .await;
    let ada = app
        .post(
            "/api/v1/contacts",
            Some(&admin.access_token),
            json!({"first_name": "Ada", "email": "ada@example.com", "custom_fields": {"tier": "Silver", "seats": 3}}),
        )
        .await;
    let ada = format!("/api/v1/contacts/{}", id(&ada.body));

    let file = "Email,First name,Tier,Seats,VIP\nada@example.com,Ada,gold,12,yes\nbob@example.com,Bob,Silver,,no\ncy@example.com,Cy,Platinum,1,\n";
    let uploaded = upload(&app, &admin, "contacts", "people.csv", file.as_bytes().to_vec()).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    assert_eq!(
        uploaded.body["suggested_mapping"]["Tier"], "cf.tier",
        "a column named like a custom field maps to it: {}",
        uploaded.body
    );
    assert!(
        uploaded.body["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|o| o["key"] == "cf.vip" && o["label"] == "VIP")),
        "the mapping screen offers the custom fields"
    );
    let import = id(&uploaded.body);
    let mapped = map(
        &app,
        &admin,
        &import,
        json!({"Email": "email", "First name": "first_name", "Tier": "cf.tier", "Seats": "cf.seats", "VIP": "cf.vip"}),
        "update",
    )
    .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.body);
    let done = run(&app, &admin, &import).await;
    assert_eq!(
        done["counts"],
        json!({"rows": 3, "created": 1, "updated": 1, "skipped": 0, "failed": 1}),
        "{done}"
    );
    assert_eq!(
        app.get(&ada, &admin.access_token).await.body["custom_fields"],
        json!({"tier": "Gold", "seats": 12.0, "vip": true})
    );
    let bob = app.get("/api/v1/contacts?q=bob", &admin.access_token).await;
    assert_eq!(
        bob.body["items"][0]["custom_fields"],
        json!({"tier": "Silver", "vip": false})
    );

    let (_, bytes) = app
        .download(&admin, "/api/v1/contacts/export?format=csv&sort=first_name")
        .await;
    let csv = String::from_utf8(bytes).expect("utf-8");
    assert!(csv.contains(",Gold,12,yes"), "{csv}");

    let undone = app
        .post(
            &format!("/api/v1/imports/{import}/undo"),
            Some(&admin.access_token),
            json!({}),
        )
        .await;
    assert_eq!(undone.status, StatusCode::OK, "{}", undone.body);
    assert_eq!(
        app.get(&ada, &admin.access_token).await.body["custom_fields"],
        json!({"tier": "Silver", "seats": 3.0}),
        "undo puts the values back"
    );
}
on_both_databases!(an_export_imported_back_sets_and_undoes_custom_values);

/// Every page of `path` (which sorts), by first name.
async fn walk(app: &TestApp, admin: &Session, path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let listed = app.get(&page, &admin.access_token).await;
        assert_eq!(listed.status, StatusCode::OK, "{page}: {}", listed.body);
        names.extend(
            listed.body["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["first_name"].as_str().map(str::to_owned)),
        );
        match listed.body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return names,
        }
    }
}

async fn lists_sort_by_a_custom_field_with_the_records_without_one_last(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.signup("Acme", &unique_email("admin")).await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Seats", "field_type": "number"}),
    )
    .await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Tier", "field_type": "single_select", "options": ["Gold", "Silver"]}),
    )
    .await;
    define(
        &app,
        &admin,
        json!({"entity": "contact", "label": "Channels", "field_type": "multi_select", "options": ["Email"]}),
    )
    .await;
    for (name, values) in [
        ("Ann", json!({"seats": 50, "tier": "Gold"})),
        ("Bob", json!({"seats": 5, "tier": "Silver"})),
        ("Cy", json!({"tier": "Gold"})),
        ("Di", json!({"seats": 500})),
        ("Ed", json!({"seats": 50, "tier": "Gold"})),
    ] {
        contact_with(&app, &admin, name, values).await;
    }
    for (sort, expected) in [
        ("cf.seats", ["Bob", "Ann", "Ed", "Di", "Cy"]),
        ("-cf.seats", ["Di", "Ed", "Ann", "Bob", "Cy"]),
        ("cf.tier", ["Ann", "Cy", "Ed", "Bob", "Di"]),
    ] {
        let names = walk(&app, &admin, &format!("/api/v1/contacts?per_page=2&sort={sort}")).await;
        assert_eq!(names, expected, "{sort}, two to a page");
    }
    let gold = walk(&app, &admin, "/api/v1/contacts?per_page=1&sort=-cf.seats&cf.tier=Gold").await;
    assert_eq!(gold, ["Ed", "Ann", "Cy"], "sorted and filtered");
    for (sort, code) in [("cf.channels", "not_sortable"), ("cf.shoe_size", "unknown_column")] {
        let refused = app
            .get(&format!("/api/v1/contacts?sort={sort}"), &admin.access_token)
            .await;
        assert_eq!(
            refused.field_codes(),
            vec![("sort".to_owned(), code.to_owned())],
            "{sort}"
        );
    }
    let first = app
        .get("/api/v1/contacts?per_page=2&sort=cf.seats", &admin.access_token)
        .await;
    let cursor = first.body["next_cursor"].as_str().expect("a next page");
    let other_order = app
        .get(
            &format!("/api/v1/contacts?per_page=2&sort=-cf.seats&cursor={cursor}"),
            &admin.access_token,
        )
        .await;
    assert_eq!(
        other_order.field_codes(),
        vec![("cursor".to_owned(), "cursor_mismatch".to_owned())]
    );
}
on_both_databases!(lists_sort_by_a_custom_field_with_the_records_without_one_last);
