//! Tags on the list pages: the Tags column, the tag filter, adding and removing a tag on
//! many records at once, and exporting the list as it is filtered.

use kite_e2e::{Browser, PASSWORD, Server, unique_email};
use serde_json::{Value, json};

async fn contact(server: &Server, token: &str, body: Value) -> String {
    let contact = server.api("POST", "/contacts", Some(token), body).await;
    contact["id"].as_str().expect("a contact id").to_owned()
}

async fn tagged(server: &Server, token: &str, tag: &str) -> Vec<String> {
    let page = server
        .api(
            "GET",
            &format!("/contacts?tag={tag}&sort=last_name"),
            Some(token),
            json!(null),
        )
        .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// The ids of the rows the contacts table shows, top to bottom.
async fn rows_on_screen(browser: &Browser) -> Vec<String> {
    let ids = browser
        .script("return [...document.querySelectorAll('[data-testid=contacts-table] tbody tr')].map(r => r.dataset.id)")
        .await;
    ids.as_array()
        .expect("row ids")
        .iter()
        .map(|id| id.as_str().expect("a row id").to_owned())
        .collect()
}

async fn choose_tag_filter(browser: &Browser, tag: &str) {
    browser.choose("[data-testid=tag-filter]", tag).await;
}

/// Gibbons, Nagheenanajar (with `tags`) and Bolton (with `bolton_tags`), in that order.
async fn initech(server: &Server, token: &str, tags: Value, bolton_tags: Value) -> Vec<String> {
    let mut ids = Vec::new();
    for (first, last, tags) in [
        ("Peter", "Gibbons", tags.clone()),
        ("Samir", "Nagheenanajar", tags),
        ("Michael", "Bolton", bolton_tags),
    ] {
        ids.push(
            contact(
                server,
                token,
                json!({"first_name": first, "last_name": last, "tags": tags}),
            )
            .await,
        );
    }
    ids
}

#[tokio::test]
async fn contacts_tagged_in_bulk_show_the_chip_and_the_tag_filter_narrows_the_list_to_them() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let admin = server.api_login(&email).await;
    for (name, color) in [("vip", "#e5484d"), ("partner", "#3e63dd")] {
        server
            .api("POST", "/tags", Some(&admin), json!({"name": name, "color": color}))
            .await;
    }
    let ids = initech(&server, &admin, json!(["partner"]), json!([])).await;

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.wait_for_text("[data-testid=contacts-table]", "Bolton").await;
    browser.click("input[aria-label='Select Peter Gibbons']").await;
    browser.click("input[aria-label='Select Samir Nagheenanajar']").await;
    browser.click("[data-testid=bulk-add-tag]").await;
    // A known tag keeps the organization's spelling.
    browser.fill("[data-testid=bulk-tag-input]", "VIP").await;
    browser.click("[data-testid=bulk-tag-confirm]").await;
    browser
        .wait_for_text(".toaster", "Tag “vip” added to 2 contacts.")
        .await;
    for id in &ids[..2] {
        browser
            .find(&format!("tr[data-id='{id}'] td[data-column=tags] [data-tag='vip']"))
            .await;
    }
    assert!(
        !browser
            .exists(&format!("tr[data-id='{}'] [data-tag='vip']", ids[2]))
            .await,
        "the unselected contact got the tag"
    );
    assert_eq!(tagged(&server, &admin, "vip").await, ids[..2]);

    choose_tag_filter(&browser, "vip").await;
    browser
        .wait_for_text_gone("[data-testid=contacts-table]", "Bolton")
        .await;
    assert_eq!(rows_on_screen(&browser).await, ids[..2]);

    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto("/contacts").await;
        browser
            .find(&format!("tr[data-id='{}'] [data-tag='vip']", ids[1]))
            .await;
        browser.screenshot(&format!("contacts-tags-{theme}")).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn a_tag_removed_in_bulk_comes_off_the_selected_records_only() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let admin = server.api_login(&email).await;
    let ids = initech(&server, &admin, json!(["vip"]), json!(["vip"])).await;
    let bolton = ids[2].clone();

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.find(&format!("tr[data-id='{bolton}'] [data-tag='vip']")).await;
    browser.click("input[aria-label='Select Peter Gibbons']").await;
    browser.click("input[aria-label='Select Samir Nagheenanajar']").await;
    browser.click("[data-testid=bulk-remove-tag]").await;
    browser.fill("[data-testid=bulk-tag-input]", "vip").await;
    browser.click("[data-testid=bulk-tag-confirm]").await;
    browser
        .wait_for_text(".toaster", "Tag “vip” removed from 2 contacts.")
        .await;
    for id in &ids[..2] {
        browser.wait_gone(&format!("tr[data-id='{id}'] [data-tag='vip']")).await;
    }
    browser.find(&format!("tr[data-id='{bolton}'] [data-tag='vip']")).await;
    assert_eq!(tagged(&server, &admin, "vip").await, [bolton]);
    browser.close().await;
}

#[tokio::test]
async fn the_export_downloads_the_filtered_list_as_csv_in_its_order() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let admin = server.api_login(&email).await;
    let ids = initech(&server, &admin, json!(["vip"]), json!([])).await;

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.wait_for_text("[data-testid=contacts-table]", "Bolton").await;
    choose_tag_filter(&browser, "vip").await;
    browser
        .wait_for_text_gone("[data-testid=contacts-table]", "Bolton")
        .await;
    // Reversed, so the file's order is shown to be the list's and not the default one.
    browser.click("th button[data-sort=last_name]").await;
    browser.wait_for_text("th[aria-sort=descending]", "NAME").await;
    // The header turns at the click; the rows only once the server has answered.
    browser
        .find(&format!(
            "[data-testid=contacts-table] tbody tr:first-child[data-id='{}']",
            ids[1]
        ))
        .await;
    // …and the table stops looking busy (its old rows were dimmed meanwhile).
    browser
        .find(".table-wrap[aria-busy=false] [data-testid=contacts-table]")
        .await;
    let shown = rows_on_screen(&browser).await;
    assert_eq!(shown, [ids[1].clone(), ids[0].clone()]);

    browser.click("[data-testid=export-menu]").await;
    browser.click("[data-testid=export-csv]").await;
    browser.wait_for_text(".toaster", "Exported contacts-").await;
    let (name, text) = browser.downloaded().await;
    assert!(name.starts_with("contacts-") && name.ends_with(".csv"), "{name}");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    assert!(
        header.trim_start_matches('\u{feff}').starts_with("Kite id,"),
        "{header}"
    );
    let exported: Vec<&str> = lines
        .filter(|l| !l.is_empty())
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(exported, shown, "{text}");
    browser.close().await;
}

#[tokio::test]
async fn a_sales_rep_tagging_records_of_others_is_shown_the_refusal() {
    let server = Server::start().await;
    let admin_email = server.signup("Initech").await;
    let admin = server.api_login(&admin_email).await;
    let id = contact(&server, &admin, json!({"first_name": "Bill", "last_name": "Lumbergh"})).await;
    let rep_email = unique_email("rep");
    server.add_user(&admin_email, &rep_email, "sales_rep").await;

    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&rep_email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.click("input[aria-label='Select Bill Lumbergh']").await;
    browser.find("[data-testid=bulk-add-tag]").await;
    for refused in ["[data-testid=bulk-assign]", "[data-testid=bulk-delete]"] {
        assert!(!browser.exists(refused).await, "a sales rep is offered {refused}");
    }
    browser.click("[data-testid=bulk-add-tag]").await;
    browser.fill("[data-testid=bulk-tag-input]", "mine now").await;
    browser.click("[data-testid=bulk-tag-confirm]").await;
    browser
        .wait_for_text(".toaster", "Your role does not allow this.")
        .await;
    let saved = server
        .api("GET", &format!("/contacts/{id}"), Some(&admin), json!(null))
        .await;
    assert_eq!(saved["tags"], json!([]));
    browser.close().await;
}
