use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ENTER: &str = "\u{E007}";
/// Control+A, then the null key to let go of Control.
const SELECT_ALL: &str = "\u{E009}a\u{E000}";

async fn contact(server: &Server, token: &str, body: Value) -> String {
    let contact = server.api("POST", "/contacts", Some(token), body).await;
    contact["id"].as_str().expect("a contact id").to_owned()
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// Waits until the API's tags satisfy `check`: the page changes at once and saves in the
/// background.
async fn wait_for_tags(server: &Server, token: &str, check: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let tags = server.api("GET", "/tags", Some(token), json!(null)).await;
        if check(&tags) {
            return tags;
        }
        assert!(Instant::now() < deadline, "the tags never got there: {tags}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_tag_added_on_a_contact_page_shows_as_a_chip_and_the_tag_filter_finds_the_contact() {
    let server = Server::start().await;
    let email = server.signup("Gotham Gazette").await;
    let admin = server.api_login(&email).await;
    server
        .api(
            "POST",
            "/tags",
            Some(&admin),
            json!({"name": "vip", "color": "#e5484d"}),
        )
        .await;
    let id = contact(
        &server,
        &admin,
        json!({"first_name": "Selina", "last_name": "Kyle", "email": "selina@gotham.example", "title": "Buyer"}),
    )
    .await;
    contact(&server, &admin, json!({"first_name": "Harvey", "last_name": "Dent"})).await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(&format!("/contacts/{id}")).await;
    let input = browser.find("[data-testid=tag-input]").await;
    // A known tag is suggested as you type, whatever the case.
    input.send_keys("VI").await.expect("type");
    browser.wait_for_text(".tag-suggestions", "vip").await;
    input.send_keys(&format!("P{ENTER}")).await.expect("add vip");
    browser.wait_for_text(".toaster", "Tag “vip” added.").await;
    browser.find("[data-testid=tag-chip][data-tag='vip']").await;
    // New names are allowed: they become tags.
    input
        .send_keys(&format!("night owl{ENTER}"))
        .await
        .expect("add a new tag");
    browser.wait_for_text(".toaster", "Tag “night owl” added.").await;
    browser.find("[data-testid=tag-chip][data-tag='night owl']").await;

    let tagged = server.api("GET", "/contacts?tag=vip", Some(&admin), json!(null)).await;
    assert_eq!(ids(&tagged), [id.as_str()], "{tagged}");
    let tagged = server
        .api("GET", "/contacts?tag=night%20owl", Some(&admin), json!(null))
        .await;
    assert_eq!(ids(&tagged), [id.as_str()], "{tagged}");
    let saved = server
        .api("GET", &format!("/contacts/{id}"), Some(&admin), json!(null))
        .await;
    assert_eq!(saved["email"], "selina@gotham.example", "other fields are kept");
    assert_eq!(saved["title"], "Buyer", "other fields are kept");

    browser.client.refresh().await.expect("reload");
    browser.find("[data-testid=tag-chip][data-tag='night owl']").await;
    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto(&format!("/contacts/{id}")).await;
        browser.find("[data-testid=tag-chip][data-tag='vip']").await;
        browser.screenshot(&format!("contact-tags-{theme}")).await;
    }

    // The × takes a tag off again.
    browser
        .click("[data-testid=tag-chip][data-tag='night owl'] [data-testid=tag-remove]")
        .await;
    browser.wait_for_text(".toaster", "Tag “night owl” removed.").await;
    let tagged = server
        .api("GET", "/contacts?tag=night%20owl", Some(&admin), json!(null))
        .await;
    assert!(ids(&tagged).is_empty(), "{tagged}");
    browser.close().await;
}

#[tokio::test]
async fn the_tags_page_renames_recolours_and_deletes_a_tag() {
    let server = Server::start().await;
    let email = server.signup("Daily Bugle").await;
    let admin = server.api_login(&email).await;
    let id = contact(
        &server,
        &admin,
        json!({"first_name": "Peter", "last_name": "Parker", "tags": ["photographer"]}),
    )
    .await;
    server
        .api(
            "POST",
            "/tags",
            Some(&admin),
            json!({"name": "press", "color": "#3e63dd"}),
        )
        .await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/settings/tags").await;
    browser
        .wait_for_text("[data-tag='photographer'] [data-testid=tag-uses]", "1 record")
        .await;

    // Select all and type over it, as a person would (a WebDriver clear sends no input
    // event, and leaving the field empty puts the old name back).
    let name = browser.find("[data-tag='photographer'] .tag-name-input").await;
    name.send_keys(&format!("{SELECT_ALL}freelancer{ENTER}"))
        .await
        .expect("rename");
    browser
        .wait_for_text(".toaster", "Tag “photographer” renamed to “freelancer”.")
        .await;
    wait_for_tags(&server, &admin, |t| t.to_string().contains("freelancer")).await;
    let peter = server
        .api("GET", &format!("/contacts/{id}"), Some(&admin), json!(null))
        .await;
    assert_eq!(peter["tags"], json!(["freelancer"]));

    browser.click("[data-tag='freelancer'] [data-testid=tag-color]").await;
    browser
        .click("[data-tag='freelancer'] .swatch-popover .swatch[data-color='#30a46c']")
        .await;
    browser
        .wait_for_text(".toaster", "Tag “freelancer” is now green.")
        .await;
    wait_for_tags(&server, &admin, |t| {
        t.as_array()
            .is_some_and(|l| l.iter().any(|t| t["name"] == "freelancer" && t["color"] == "#30a46c"))
    })
    .await;

    browser.fill("#field-new-tag", "rival").await;
    browser.click(".new-tag .swatch[data-color='#e5484d']").await;
    browser.click_text(".new-tag button", "Create tag").await;
    browser.wait_for_text(".toaster", "Tag “rival” created.").await;
    browser.find("[data-testid=tag-row][data-tag='rival']").await;
    for theme in ["light", "dark"] {
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.goto("/settings/tags").await;
        browser.find("[data-testid=tag-row][data-tag='rival']").await;
        browser.screenshot(&format!("tags-{theme}")).await;
    }

    browser.click("[data-tag='freelancer'] [data-testid=delete-tag]").await;
    browser
        .wait_for_text(".modal", "comes off the 1 record that carries it")
        .await;
    browser.click_text(".modal button", "Delete tag").await;
    browser.wait_for_text(".toaster", "Tag “freelancer” was deleted.").await;
    let tags = wait_for_tags(&server, &admin, |t| !t.to_string().contains("freelancer")).await;
    assert_eq!(tags.as_array().map(Vec::len), Some(2), "{tags}");
    let peter = server
        .api("GET", &format!("/contacts/{id}"), Some(&admin), json!(null))
        .await;
    assert_eq!(peter["tags"], json!([]));
    browser.close().await;
}

#[tokio::test]
async fn a_viewer_sees_tags_as_chips_without_controls_to_change_them() {
    let server = Server::start().await;
    let admin_email = server.signup("Ace Chemicals").await;
    let admin = server.api_login(&admin_email).await;
    let id = contact(
        &server,
        &admin,
        json!({"first_name": "Jack", "last_name": "Napier", "tags": ["supplier"]}),
    )
    .await;
    server.add_user(&admin_email, "viewer@ace.example", "viewer").await;
    let browser = Browser::open(&server, 1280, 900).await;
    browser.login("viewer@ace.example", PASSWORD).await;

    browser.goto(&format!("/contacts/{id}")).await;
    browser.find("[data-testid=tag-chip][data-tag='supplier']").await;
    for control in ["[data-testid=tag-input]", "[data-testid=tag-remove]"] {
        assert!(!browser.exists(control).await, "a viewer is offered {control}");
    }

    browser.goto("/settings/tags").await;
    browser
        .wait_for_text("[data-testid=tag-row][data-tag='supplier']", "1 record")
        .await;
    for control in [
        "#field-new-tag",
        "[data-testid=delete-tag]",
        "[data-testid=tag-color]",
        ".tag-name-input",
    ] {
        assert!(!browser.exists(control).await, "a viewer is offered {control}");
    }
    browser.close().await;
}
