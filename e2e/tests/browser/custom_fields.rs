//! Custom fields: an admin adds a select field to contacts in Settings, edits its
//! options and archives it; a user fills custom fields on a contact, sees them as list
//! columns and filters the list on one.

use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::{Value, json};

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

#[tokio::test]
async fn a_custom_field_is_filled_on_a_contact_shown_as_a_column_and_filtered_on() {
    let server = Server::start().await;
    let email = server.signup("Initech").await;
    let token = server.api_login(&email).await;
    for field in [
        json!({"entity": "contact", "label": "Tier", "field_type": "single_select", "options": ["Gold", "Silver"]}),
        json!({"entity": "contact", "label": "Nickname", "field_type": "text"}),
    ] {
        server.api("POST", "/custom-fields", Some(&token), field).await;
    }
    server
        .api(
            "POST",
            "/contacts",
            Some(&token),
            json!({"first_name": "Grace", "last_name": "Hopper", "custom_fields": {"tier": "Silver"}}),
        )
        .await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/contacts").await;
    browser.wait_for_text("td[data-column='cf.tier']", "Silver").await;
    browser.click("[data-testid=new-contact]").await;
    browser.fill(".modal #field-first_name", "Ada").await;
    browser.fill(".modal #field-last_name", "Lovelace").await;
    browser.choose(".modal select[name=tier]", "Gold").await;
    browser.click_text(".modal button[type=submit]", "Create contact").await;
    browser.wait_gone(".modal").await;
    browser.wait_for_text("table tbody", "Ada Lovelace").await;

    browser
        .choose(
            "[data-testid=custom-filter] select[aria-label='Filter by a custom field']",
            "Tier",
        )
        .await;
    browser
        .choose("[data-testid=custom-filter] select[aria-label='Tier is']", "Gold")
        .await;
    browser.wait_for_text_gone("table tbody", "Grace").await;
    browser.wait_for_text("td[data-column='cf.tier']", "Gold").await;
    browser.screenshots_in_both_themes("contacts-custom-field-filter").await;

    browser.click_text("table tbody a", "Ada Lovelace").await;
    // Typed where it is shown, saved on Enter.
    browser
        .find("[data-testid=custom-field-details] #custom-nickname")
        .await
        .send_keys("Countess\u{E007}")
        .await
        .expect("type the nickname");
    browser
        .wait_for_text("[data-custom-field=nickname] [role=status]", "Saved")
        .await;
    browser.screenshots_in_both_themes("contact-custom-fields").await;
    let found: Value = server
        .api("GET", "/contacts?cf.nickname=countess", Some(&token), Value::Null)
        .await;
    assert_eq!(found["items"][0]["last_name"], "Lovelace", "{found}");
    assert_eq!(found["items"][0]["custom_fields"]["tier"], "Gold");
    browser.close().await;
}
