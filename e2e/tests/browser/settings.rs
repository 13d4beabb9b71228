use kite_e2e::{Browser, PASSWORD, Server, unique_email};

#[tokio::test]
async fn an_invited_user_joins_from_the_outbox_link_and_sees_no_admin_settings() {
    let server = Server::start().await;
    let admin_email = server.signup("Umbrella").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&admin_email, PASSWORD).await;

    browser.goto("/settings/users").await;
    browser.click_text("button", "Invite user").await;
    let invitee = unique_email("rep");
    browser.fill(".modal #field-email", &invitee).await;
    browser.fill(".modal #field-name", "Rita Rep").await;
    browser.click(".modal button[type=submit]").await;
    browser.wait_for_text(".toast", "Invitation sent").await;
    browser.wait_for_text(".table", "Rita Rep").await;
    browser.screenshot("users-light").await;

    browser.goto("/settings/outbox").await;
    browser.click_text(".mail-head", "invited you").await;
    let link = browser.find(".mail-body a").await;
    let href = link.attr("href").await.expect("href").expect("a link");
    assert!(href.contains("/accept-invite?token="), "{href}");
    browser.screenshot("outbox-light").await;

    browser.sign_out().await;
    browser.client.goto(&href).await.expect("open the invitation");
    browser.fill("#field-password", PASSWORD).await;
    browser.fill("#field-repeat", PASSWORD).await;
    browser.click("button[type=submit]").await;
    browser.wait_for_text("[data-testid=org-name]", "Umbrella").await;
    browser.sign_out().await;

    browser.login(&invitee, PASSWORD).await;
    browser.goto("/settings").await;
    browser.wait_for_path("/settings/profile").await;
    browser.find(".tabs").await;
    let tabs = browser.find(".tabs").await.text().await.expect("tabs");
    assert!(tabs.contains("Profile"), "{tabs}");
    for hidden in ["Users", "Audit log", "Email outbox", "Trash"] {
        assert!(!tabs.contains(hidden), "a sales rep sees {hidden}: {tabs}");
    }
    let nav = browser.find(".sidebar").await.text().await.expect("nav");
    // Reps write and use email templates; sending campaigns is for managers and admins.
    assert!(nav.contains("Email"), "a sales rep has no Email: {nav}");
    browser.close().await;
}

#[tokio::test]
async fn the_audit_log_filters_by_action() {
    let server = Server::start().await;
    let email = server.signup("Globex").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/settings/audit-log").await;
    browser.wait_for_text("[data-testid=audit-table]", "auth.login").await;
    browser
        .wait_for_text("[data-testid=audit-table]", "organization.created")
        .await;
    browser.screenshot("audit-log-light").await;
    let select = browser.find(".toolbar label:nth-child(2) select").await;
    select.select_by_value("auth.").await.expect("choose a filter");
    browser
        .wait_for_text_gone("[data-testid=audit-table]", "organization.created")
        .await;
    let table = browser
        .find("[data-testid=audit-table]")
        .await
        .text()
        .await
        .expect("table");
    assert!(table.contains("auth.signup"), "{table}");
    browser.close().await;
}

#[tokio::test]
async fn profile_changes_show_at_once() {
    let server = Server::start().await;
    let email = server.signup("Hooli").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/settings/profile").await;
    browser.fill("#field-name", "Gavin Belson").await;
    browser.click_text("button", "Save").await;
    browser.wait_for_text(".toast", "Profile saved").await;
    browser.click("[data-testid=user-menu]").await;
    browser.wait_for_text(".menu-header", "Gavin Belson").await;
    browser.close().await;
}
