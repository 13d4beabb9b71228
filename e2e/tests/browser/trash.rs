//! Deleting records in bulk and bringing them back from the trash.

use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::json;

#[tokio::test]
async fn a_bulk_deleted_company_is_restored_from_the_trash() {
    let server = Server::start().await;
    let email = server.signup("Hooli").await;
    let admin = server.api_login(&email).await;
    for name in ["Pied Piper", "Raviga", "Endframe"] {
        server
            .api("POST", "/companies", Some(&admin), json!({"name": name}))
            .await;
    }
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/companies").await;
    let table = "[data-testid=companies-table]";
    browser.wait_for_text(table, "Raviga").await;
    browser.click("input[aria-label='Select Pied Piper']").await;
    browser
        .wait_for_text("[data-testid=selected-count]", "1 selected")
        .await;
    browser.click("[data-testid=bulk-delete]").await;
    browser.wait_for_text(".modal", "1 company moves to the trash").await;
    browser.click_text(".modal button", "Delete").await;
    browser
        .wait_for_text(".toast", "1 company was moved to the trash")
        .await;
    browser.wait_for_text_gone(table, "Pied Piper").await;
    browser.wait_for_text(table, "Raviga").await;

    browser.goto("/settings").await;
    browser.click_text(".tabs a", "Trash").await;
    browser.wait_for_path("/settings/trash").await;
    // Contacts come first, and none were deleted.
    browser.wait_for_text(".empty-state", "No deleted contacts").await;
    browser.click("[data-kind=company]").await;
    browser.wait_for_text("[data-testid=trash-table]", "Pied Piper").await;
    browser.click("button[aria-label='Restore Pied Piper']").await;
    browser.wait_for_text(".toast", "Pied Piper was restored").await;
    browser.wait_for_text(".empty-state", "No deleted companies").await;

    browser.goto("/companies").await;
    browser.wait_for_text(table, "Pied Piper").await;
    let trash = server
        .api("GET", "/trash?kind=company", Some(&admin), json!(null))
        .await;
    assert_eq!(trash["total"], 0, "{trash}");
    browser.close().await;
}

#[tokio::test]
async fn the_trash_is_for_admins_only() {
    let server = Server::start().await;
    let admin_email = server.signup("Dunder Mifflin").await;
    server.add_user(&admin_email, "michael@dunder.example", "manager").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login("michael@dunder.example", PASSWORD).await;
    browser.goto("/settings/profile").await;
    let tabs = browser.find(".tabs").await.text().await.expect("tabs");
    assert!(!tabs.contains("Trash"), "a manager is offered the trash: {tabs}");
    browser.goto("/settings/trash").await;
    browser
        .wait_for_text(".empty-state", "Only admins can open the trash")
        .await;
    assert!(!browser.exists("[data-testid=trash-table]").await);
    browser.close().await;
}
