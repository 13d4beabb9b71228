//! Webhooks: an admin adds one in Settings, a contact is edited, and the delivery shows
//! in the subscription's log as the receiver got it.

use kite_e2e::{Browser, PASSWORD, Server};
use kite_webhooks::test_receiver::TestReceiver;
use serde_json::json;

#[tokio::test]
async fn an_edited_contact_shows_as_a_delivery_in_the_webhook_log() {
    let receiver = TestReceiver::start().expect("a webhook receiver");
    let server = Server::start_with_env(&[("KITE_WEBHOOKS_ALLOW_LOOPBACK", "true")]).await;
    let email = server.signup("Initech").await;
    let token = server.api_login(&email).await;
    let contact = server
        .api(
            "POST",
            "/contacts",
            Some(&token),
            json!({"first_name": "Peter", "last_name": "Gibbons"}),
        )
        .await;
    let contact_id = contact["id"].as_str().expect("a contact");

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/settings/webhooks").await;
    browser
        .wait_for_text("[data-testid=webhook-settings]", "No webhooks yet")
        .await;
    browser
        .click_text("[data-testid=webhook-settings] button", "Add webhook")
        .await;
    browser.fill("#field-url", &receiver.url).await;
    browser.click("input[value='contact.updated']").await;
    browser.screenshots_in_both_themes("webhook-new").await;
    browser.click_text(".modal button[type=submit]", "Add webhook").await;
    browser
        .wait_for_text("[data-testid=webhook-table]", &receiver.url)
        .await;

    server
        .api(
            "PUT",
            &format!("/contacts/{contact_id}"),
            Some(&token),
            json!({"first_name": "Peter", "last_name": "Gibbons-Smith"}),
        )
        .await;
    browser
        .click_text("[data-testid=webhook-table] button", "Deliveries")
        .await;
    browser
        .wait_for_text("[data-testid=delivery-list]", "contact.updated")
        .await;
    browser.wait_for_text("[data-testid=delivery-list]", "HTTP 200").await;
    browser.click("[data-testid=delivery-list] summary").await;
    browser
        .wait_for_text("[data-testid=delivery-list]", "Gibbons-Smith")
        .await;
    let got = receiver.received();
    assert_eq!(got.len(), 1, "one delivery");
    assert_eq!(got[0].json()["data"]["last_name"], "Gibbons-Smith");
    browser.screenshots_in_both_themes("webhook-deliveries").await;
    browser.close().await;
}
