//! Lists that grow on request: a record's timeline ("Show older") and the search
//! results of each kind ("Show more"), both following the server's cursors.

use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::json;

async fn count(browser: &Browser, css: &str) -> usize {
    let js = format!("return document.querySelectorAll({css:?}).length");
    browser.script(&js).await.as_u64().unwrap_or_default() as usize
}

/// Waits until exactly `expected` elements match `css`.
async fn wait_for_count(browser: &Browser, css: &str, expected: usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mut last = 0;
    while std::time::Instant::now() < deadline {
        last = count(browser, css).await;
        if last == expected {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("`{css}` matched {last}, not {expected}");
}

#[tokio::test]
async fn a_long_timeline_shows_older_entries_page_by_page_until_the_first() {
    let server = Server::start().await;
    let email = server.signup("Vandelay").await;
    let admin = server.api_login(&email).await;
    let contact = server
        .api(
            "POST",
            "/contacts",
            Some(&admin),
            json!({"first_name": "Art", "last_name": "Vandelay"}),
        )
        .await;
    let id = contact["id"].as_str().expect("an id").to_owned();
    for i in 0..35 {
        server
            .api(
                "POST",
                &format!("/contacts/{id}/notes"),
                Some(&admin),
                json!({"body": format!("Note number {i:02}")}),
            )
            .await;
    }

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto(&format!("/contacts/{id}")).await;
    let items = "[data-testid=timeline] .timeline-item";
    browser.wait_for_text("[data-testid=timeline]", "Note number 34").await;
    wait_for_count(&browser, items, 30).await;
    browser.click(".timeline-more").await;
    wait_for_count(&browser, items, 35).await;
    browser.wait_for_text("[data-testid=timeline]", "Note number 00").await;
    browser.wait_gone(".timeline-more").await;
    let titles = browser
        .script(
            "return [...document.querySelectorAll('[data-testid=timeline] .timeline-body')].map(b => b.textContent)",
        )
        .await;
    let titles: Vec<&str> = titles
        .as_array()
        .expect("bodies")
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    let expected: Vec<String> = (0..35).rev().map(|i| format!("Note number {i:02}")).collect();
    assert_eq!(titles, expected, "newest first, each once");
    browser.close().await;
}

#[tokio::test]
async fn search_results_of_one_kind_show_more_on_request() {
    let server = Server::start().await;
    let email = server.signup("Kramerica").await;
    let admin = server.api_login(&email).await;
    for i in 0..12 {
        server
            .api(
                "POST",
                "/contacts",
                Some(&admin),
                json!({"first_name": "Cosmo", "last_name": format!("Kramer {i:02}")}),
            )
            .await;
    }
    server
        .api("POST", "/companies", Some(&admin), json!({"name": "Cosmo Industries"}))
        .await;

    let browser = Browser::open(&server, 1280, 900).await;
    browser.login(&email, PASSWORD).await;
    browser.goto("/search?q=cosmo").await;
    let contacts = "[data-testid=search-results] [data-kind=contact] .hit-list li";
    browser
        .wait_for_text("[data-testid=search-results] [data-kind=company]", "Cosmo Industries")
        .await;
    wait_for_count(&browser, contacts, 10).await;
    browser
        .click_text("[data-kind=contact] button", "Show more contacts")
        .await;
    wait_for_count(&browser, contacts, 12).await;
    browser.wait_gone("[data-kind=contact] button").await;
    assert!(
        !browser.exists("[data-kind=company] button").await,
        "one company needs no more"
    );
    browser.close().await;
}
