use kite_e2e::{Browser, PASSWORD, Server};

#[tokio::test]
async fn the_theme_choice_persists_across_reloads() {
    let server = Server::start().await;
    let email = server.signup("Stark").await;
    let browser = Browser::open(&server, 1280, 800).await;
    browser.login(&email, PASSWORD).await;
    browser.click("[data-testid=user-menu]").await;
    browser.click("[data-theme-choice=dark]").await;
    let theme = "return document.documentElement.getAttribute('data-theme')";
    assert_eq!(browser.script(theme).await, "dark");
    browser.client.refresh().await.expect("reload");
    browser.find("[data-testid=org-name]").await;
    assert_eq!(browser.script(theme).await, "dark");
    browser.click("[data-testid=user-menu]").await;
    browser.click("[data-theme-choice=light]").await;
    browser.client.refresh().await.expect("reload");
    browser.find("[data-testid=org-name]").await;
    assert_eq!(browser.script(theme).await, "light");
    browser.close().await;
}

/// Fails naming the elements that stick out of the viewport, if any do.
async fn assert_no_sideways_scroll(browser: &Browser, page: &str) {
    let culprits = browser
        .script(
            "const width = document.documentElement.clientWidth;
             if (document.documentElement.scrollWidth <= width) return [];
             return [...document.querySelectorAll('body *')]
               .filter(e => e.getBoundingClientRect().right > width + 1
                         && !e.closest('.table-wrap, .sidebar, .tabs'))
               .slice(0, 8)
               .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));",
        )
        .await;
    assert_eq!(culprits, serde_json::json!([]), "the {page} page scrolls sideways");
}

#[tokio::test]
async fn the_app_is_usable_at_phone_width() {
    let server = Server::start().await;
    let email = server.signup("Wayne").await;
    let browser = Browser::open(&server, 390, 844).await;
    browser.goto("/login").await;
    browser.screenshot("login-phone").await;
    browser.login(&email, PASSWORD).await;
    assert_no_sideways_scroll(&browser, "dashboard").await;
    browser.screenshot("dashboard-phone").await;
    browser.click(".menu-button").await;
    browser.screenshot("nav-phone").await;
    browser.click_text(".nav-link", "Settings").await;
    browser.wait_for_path("/settings/profile").await;
    browser.click_text(".tab", "Users").await;
    browser.wait_for_text(".table", "Ada Admin").await;
    browser.screenshot("users-phone").await;
    assert_no_sideways_scroll(&browser, "users").await;
    browser.close().await;
}

/// The screenshots to look at: login, the shell, users and the audit log, in both themes.
#[tokio::test]
async fn key_pages_in_both_themes() {
    let server = Server::start().await;
    let email = server.signup("Acme Corporation").await;
    let browser = Browser::open(&server, 1280, 800).await;
    for theme in ["light", "dark"] {
        browser.goto("/login").await;
        browser
            .script(&format!("localStorage.setItem('kite-theme', '{theme}'); return true"))
            .await;
        browser.client.refresh().await.expect("reload");
        browser.find("#field-email").await;
        browser.screenshot(&format!("login-{theme}")).await;
        browser.login(&email, PASSWORD).await;
        browser.wait_for_text("h1", "Ada").await;
        browser.screenshot(&format!("shell-{theme}")).await;
        browser.goto("/settings/users").await;
        browser.wait_for_text(".table", "Ada Admin").await;
        browser.screenshot(&format!("users-{theme}")).await;
        browser.goto("/settings/audit-log").await;
        browser.wait_for_text("[data-testid=audit-table]", "auth.login").await;
        browser.screenshot(&format!("audit-log-{theme}")).await;
        browser.sign_out().await;
    }
    browser.close().await;
}
