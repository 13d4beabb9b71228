//! The list pages' shared behaviour: row selection and bulk actions, the column chooser,
//! and the deals list.

use kite_e2e::{Browser, PASSWORD, Server, unique_email};
use serde_json::{Value, json};

async fn create(server: &Server, token: &str, path: &str, body: Value) -> String {
    let record = server.api("POST", path, Some(token), body).await;
    record["id"].as_str().expect("an id").to_owned()
}

async fn user_id(server: &Server, token: &str, email: &str) -> String {
    let users = server.api("GET", "/users?per_page=200", Some(token), json!(null)).await;
    users["items"]
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["email"] == email)
        .and_then(|u| u["id"].as_str())
        .expect("the user")
        .to_owned()
}

async fn contact_owner(server: &Server, token: &str, id: &str) -> Value {
    server
        .api("GET", &format!("/contacts/{id}"), Some(token), json!(null))
        .await["owner_id"]
        .clone()
}

#[tokio::test]
async fn two_selected_contacts_are_assigned_to_another_user_at_once() {
    let server = Server::start().await;
    let admin_email = server.signup("Initech").await;
    let admin = server.api_login(&admin_email).await;
    let rep_email = unique_email("rep");
    server.add_user(&admin_email, &rep_email, "sales_rep").await;
    let rep_id = user_id(&server, &admin, &rep_email).await;
    let admin_id = user_id(&server, &admin, &admin_email).await;
    let mut ids = Vec::new();
    for (first, last) in [("Peter", "Gibbons"), ("Samir", "Nagheenanajar"), ("Michael", "Bolton")] {
        ids.push(
            create(
                &server,
                &admin,
                "/contacts",
                json!({"first_name": first, "last_name": last}),
            )
            .await,
        );
    }

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&admin_email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.wait_for_text("[data-testid=contacts-table]", "Bolton").await;
    assert!(
        !browser.exists("[data-testid=bulk-bar]").await,
        "the bulk bar shows before anything is selected"
    );
    browser.click("input[aria-label='Select Peter Gibbons']").await;
    browser.click("input[aria-label='Select Samir Nagheenanajar']").await;
    browser
        .wait_for_text("[data-testid=selected-count]", "2 selected")
        .await;
    browser.screenshot("contacts-selected-light").await;
    browser.click("[data-testid=bulk-assign]").await;
    browser.choose(".modal #field-new_owner", "Test sales_rep").await;
    browser.click("[data-testid=bulk-assign-confirm]").await;
    browser
        .wait_for_text(".toast", "2 contacts assigned to Test sales_rep")
        .await;
    browser.wait_gone("[data-testid=bulk-bar]").await;
    browser
        .wait_for_text("[data-testid=contacts-table]", "Test sales_rep")
        .await;

    assert_eq!(contact_owner(&server, &admin, &ids[0]).await, rep_id.as_str());
    assert_eq!(contact_owner(&server, &admin, &ids[1]).await, rep_id.as_str());
    assert_eq!(
        contact_owner(&server, &admin, &ids[2]).await,
        admin_id.as_str(),
        "the unselected contact changed owner"
    );
    browser.close().await;
}

#[tokio::test]
async fn bulk_actions_are_not_offered_to_a_viewer() {
    let server = Server::start().await;
    let admin_email = server.signup("Chotchkie's").await;
    let admin = server.api_login(&admin_email).await;
    create(&server, &admin, "/companies", json!({"name": "Flair Inc"})).await;
    let viewer_email = unique_email("viewer");
    server.add_user(&admin_email, &viewer_email, "viewer").await;

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&viewer_email, PASSWORD).await;
    browser.goto("/companies").await;
    browser
        .wait_for_text("[data-testid=companies-table]", "Flair Inc")
        .await;
    assert!(
        !browser.exists("[data-testid=select-page]").await,
        "a viewer can select rows, with nothing to do with them"
    );
    assert!(!browser.exists("input[aria-label='Select Flair Inc']").await);
    browser.close().await;
}

#[tokio::test]
async fn a_hidden_column_stays_hidden_after_a_reload() {
    let server = Server::start().await;
    let email = server.signup("Vandelay").await;
    let admin = server.api_login(&email).await;
    create(
        &server,
        &admin,
        "/contacts",
        json!({"first_name": "Art", "last_name": "Vandelay", "email": "art@vandelay.example"}),
    )
    .await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser
        .wait_for_text("[data-testid=contacts-table]", "art@vandelay.example")
        .await;
    browser.find("th[data-column=email]").await;

    browser.click("[data-testid=column-chooser]").await;
    browser.click(".column-menu input[name=email]").await;
    browser.wait_gone("th[data-column=email]").await;
    browser.screenshot("column-chooser-light").await;
    let table = browser
        .find("[data-testid=contacts-table]")
        .await
        .text()
        .await
        .expect("table");
    assert!(!table.contains("art@vandelay.example"), "{table}");

    browser.client.refresh().await.expect("reload");
    browser
        .wait_for_text("[data-testid=contacts-table]", "Art Vandelay")
        .await;
    browser.find("th[data-column=lifecycle]").await;
    assert!(
        !browser.exists("th[data-column=email]").await,
        "the email column came back after a reload"
    );

    // The companies list keeps its own choice.
    browser.goto("/companies").await;
    browser.find("[data-testid=column-chooser]").await;
    browser.goto("/contacts").await;
    browser
        .wait_for_text("[data-testid=contacts-table]", "Art Vandelay")
        .await;
    assert!(!browser.exists("th[data-column=email]").await);
    browser.close().await;
}

#[tokio::test]
async fn the_last_shown_column_cannot_be_hidden() {
    let server = Server::start().await;
    let email = server.signup("Kramerica").await;
    let admin = server.api_login(&email).await;
    create(&server, &admin, "/companies", json!({"name": "Kramerica Industries"})).await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/companies").await;
    browser
        .wait_for_text("[data-testid=companies-table]", "Kramerica Industries")
        .await;
    browser.click("[data-testid=column-chooser]").await;
    for column in ["domain", "industry", "tags", "owner", "created"] {
        browser.click(&format!(".column-menu input[name={column}]")).await;
        browser.wait_gone(&format!("th[data-column={column}]")).await;
    }
    let last = browser.find(".column-menu input[name=name]").await;
    assert_eq!(last.attr("disabled").await.expect("attribute").as_deref(), Some("true"));
    browser
        .wait_for_text("[data-testid=companies-table]", "Kramerica Industries")
        .await;
    browser.close().await;
}

/// Deals of different values and stages, for the list's tests and screenshots.
async fn some_deals(server: &Server, token: &str) {
    let company = create(
        server,
        token,
        "/companies",
        json!({"name": "Globex", "domain": "globex.com"}),
    )
    .await;
    let pipelines = server.api("GET", "/pipelines", Some(token), json!(null)).await;
    let stages = pipelines[0]["stages"].as_array().expect("stages").clone();
    for (title, minor, stage, close) in [
        ("Hammock district", 2_500_000, 2, "2031-03-01"),
        ("Doomsday device", 50_000, 0, "2031-01-15"),
        ("Monorail", 300_000, 4, "2031-06-30"),
    ] {
        create(
            server,
            token,
            "/deals",
            json!({"title": title, "value": {"minor": minor, "currency": "EUR"},
                   "stage_id": stages[stage]["id"], "company_id": company,
                   "expected_close": close}),
        )
        .await;
    }
}

#[tokio::test]
async fn the_deals_list_shows_deals_and_sorts_by_value() {
    let server = Server::start().await;
    let email = server.signup("Globex").await;
    let admin = server.api_login(&email).await;
    some_deals(&server, &admin).await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;

    browser.goto("/deals").await;
    browser.click_text("[data-testid=deals-view] a", "List").await;
    browser.wait_for_path("/deals/list").await;
    let table = "[data-testid=deals-table]";
    for shown in [
        "Hammock district",
        "€25,000.00",
        "Meeting",
        "Open",
        "Globex",
        "Ada Admin",
    ] {
        browser.wait_for_text(table, shown).await;
    }

    let first_row = "[data-testid=deals-table] tbody tr:first-child";
    browser.click("th button[data-sort=value]").await;
    browser.wait_for_text("th[aria-sort=ascending]", "VALUE").await;
    browser.wait_for_text(first_row, "Doomsday device").await;
    browser.click("th button[data-sort=value]").await;
    browser.wait_for_text("th[aria-sort=descending]", "VALUE").await;
    browser.wait_for_text(first_row, "Hammock district").await;

    // A filter narrows it, and the board is one click away.
    browser.fill("input[aria-label='Search deals']", "mono").await;
    browser.wait_for_text_gone(table, "Hammock district").await;
    browser.wait_for_text(first_row, "Monorail").await;
    browser.click_text("[data-testid=deals-view] a", "Board").await;
    browser.wait_for_path("/deals").await;
    browser.find("[data-testid=board]").await;
    browser.close().await;
}

/// The screenshots to look at: the deals list and the trash, in both themes.
#[tokio::test]
async fn deals_list_and_trash_in_both_themes() {
    let server = Server::start().await;
    let email = server.signup("Acme Corporation").await;
    let admin = server.api_login(&email).await;
    some_deals(&server, &admin).await;
    for (path, body) in [
        ("/contacts", json!({"first_name": "Hank", "last_name": "Scorpio"})),
        ("/companies", json!({"name": "Umbrella"})),
        ("/contacts", json!({"first_name": "Jill", "last_name": "Valentine"})),
    ] {
        let id = create(&server, &admin, path, body).await;
        server
            .api("DELETE", &format!("{path}/{id}"), Some(&admin), json!(null))
            .await;
    }
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto("/deals/list").await;
        browser.wait_for_text("[data-testid=deals-table]", "Monorail").await;
        browser.wait_for_text("[data-testid=deals-table]", "Ada Admin").await;
        browser.wait_for_text("[data-testid=deals-table]", "Negotiation").await;
        browser.screenshot(&format!("deals-list-{theme}")).await;
        browser.goto("/settings/trash").await;
        browser
            .wait_for_text("[data-testid=trash-table]", "Jill Valentine")
            .await;
        browser.screenshot(&format!("trash-{theme}")).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn the_contacts_list_pages_forward_and_back_by_cursor_and_a_new_order_starts_over() {
    let server = Server::start().await;
    let admin_email = server.signup("Paper Street").await;
    let admin = server.api_login(&admin_email).await;
    for i in 0..55 {
        create(
            &server,
            &admin,
            "/contacts",
            json!({"first_name": "Paged", "last_name": format!("row{i:02}")}),
        )
        .await;
    }

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&admin_email, PASSWORD).await;
    browser.goto("/contacts").await;
    let (range, table) = ("[data-testid=pager-range]", "[data-testid=contacts-table]");
    browser.wait_for_text(range, "1–25 of 55").await;
    browser.wait_for_text(table, "row00").await;
    let next_enabled = "return !document.querySelector(\"button[aria-label='Next page']\").disabled";
    let previous_enabled = "return !document.querySelector(\"button[aria-label='Previous page']\").disabled";
    assert_eq!(browser.script(previous_enabled).await, json!(false));

    browser.click("button[aria-label='Next page']").await;
    browser.wait_for_text(range, "26–50 of 55").await;
    browser.wait_for_text(table, "row25").await;
    browser.wait_for_text_gone(table, "row00").await;
    browser.click("button[aria-label='Next page']").await;
    browser.wait_for_text(range, "51–55 of 55").await;
    browser.wait_for_text(table, "row54").await;
    browser.wait_for_text_gone(table, "row49").await;
    assert_eq!(
        browser.script(next_enabled).await,
        json!(false),
        "the last page has no next"
    );

    browser.click("button[aria-label='Previous page']").await;
    browser.wait_for_text(range, "26–50 of 55").await;
    browser.wait_for_text(table, "row49").await;
    browser.wait_for_text_gone(table, "row54").await;

    // Another order is another list: its first page, from the other end.
    browser.click("button[data-sort=last_name]").await;
    browser.wait_for_text("th[aria-sort=descending]", "NAME").await;
    browser.wait_for_text(range, "1–25 of 55").await;
    browser.wait_for_text(table, "row54").await;
    browser.wait_for_text_gone(table, "row25").await;
    assert_eq!(browser.script(previous_enabled).await, json!(false));
    browser.close().await;
}
