//! Custom fields: an admin adds a select field to contacts in Settings, edits its
//! options and archives it.

use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::Value;

#[tokio::test]
async fn an_admin_adds_edits_and_archives_a_custom_field() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let token = server.api_login(&email).await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/settings/custom-fields").await;
    browser
        .wait_for_text("[data-testid=custom-field-settings]", "No custom fields yet")
        .await;
    browser
        .click_text("[data-testid=custom-field-settings] button", "Add field")
        .await;
    browser.fill("#field-label", "Customer tier").await;
    browser
        .find("#field-field_type")
        .await
        .select_by_value("single_select")
        .await
        .expect("the type");
    browser.fill("#field-options", "Gold\nSilver").await;
    browser
        .wait_for_text("[data-testid=custom-field-key]", "custom_fields.customer_tier")
        .await;
    browser.screenshots_in_both_themes("custom-field-new").await;
    browser.click_text(".modal button[type=submit]", "Add field").await;
    browser
        .wait_for_text("[data-custom-field=customer_tier]", "Gold, Silver")
        .await;

    browser
        .click_text("[data-custom-field=customer_tier] button", "Edit")
        .await;
    browser.fill("#field-options", "Gold\nSilver\nBronze").await;
    browser.click_text(".modal button[type=submit]", "Save").await;
    browser
        .wait_for_text("[data-custom-field=customer_tier]", "Gold, Silver, Bronze")
        .await;
    browser.screenshots_in_both_themes("custom-fields").await;

    browser
        .click_text("[data-custom-field=customer_tier] button", "Archive")
        .await;
    browser
        .wait_for_text("[data-custom-field=customer_tier]", "Archived")
        .await;
    let live: Value = server
        .api("GET", "/custom-fields?entity=contact", Some(&token), Value::Null)
        .await;
    assert_eq!(live.as_array().map(Vec::len), Some(0), "archived: left out of forms");
    browser.close().await;
}
