use crate::deals::{column, drag, stages, wait_for_stage};
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::key::Key;
use kite_e2e::{Browser, PASSWORD, Server};
use serde_json::{Value, json};
use std::time::Duration;

/// Drags `handle` by `(x, y)` pixels in small steps, as a hand would.
async fn drag_by(browser: &Browser, handle: &str, x: f64, y: f64) {
    let element = browser.find(handle).await;
    // Pointer actions do not scroll: the handle must be on screen.
    browser
        .script(&format!(
            "document.querySelector(\"{handle}\").scrollIntoView({{block: 'center'}}); return true"
        ))
        .await;
    let actions = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(150)),
            x: x / 2.0,
            y: y / 2.0,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(150)),
            x: x / 2.0,
            y: y / 2.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    browser.client.perform_actions(actions).await.expect("drag");
    browser.client.release_actions().await.expect("release");
}

/// The saved layout of the user's first dashboard, as the server has it, once it shows
/// `rect` (x, y, w, h) for the widget titled `title`.
async fn wait_for_saved(server: &Server, token: &str, title: &str, rect: (u64, u64, u64, u64)) {
    let mut last = Value::Null;
    for _ in 0..100 {
        let list = server.api("GET", "/dashboards", Some(token), json!(null)).await;
        last = list[0]["widgets"]
            .as_array()
            .and_then(|w| w.iter().find(|w| w["title"] == title).cloned())
            .unwrap_or_default();
        let saved = (
            last["x"].as_u64().unwrap_or(99),
            last["y"].as_u64().unwrap_or(99),
            last["w"].as_u64().unwrap_or(99),
            last["h"].as_u64().unwrap_or(99),
        );
        if saved == rect {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server never saved {rect:?} for {title}: {last}");
}

#[tokio::test]
async fn a_chart_added_dragged_and_resized_stays_after_reload_the_pipeline_follows_the_board_live_and_reports_show_the_history()
 {
    let server = Server::start().await;
    let email = server.signup("Stark").await;
    let admin = server.api_login(&email).await;
    let stages = stages(&server, &admin).await;
    let mut deals = Vec::new();
    for (title, minor) in [
        ("Arc reactor", 9_000_000),
        ("Repulsor licence", 2_500_000),
        ("Jarvis seats", 600_000),
    ] {
        let deal = server
            .api(
                "POST",
                "/deals",
                Some(&admin),
                json!({"title": title, "value": {"minor": minor, "currency": "EUR"}, "stage_id": stages[0].0}),
            )
            .await;
        deals.push(deal["id"].as_str().expect("id").to_owned());
    }

    let browser = Browser::open(&server, 1440, 1000).await;
    browser.login(&email, PASSWORD).await;
    // The admin's first look makes the company dashboard; its pipeline shows Lead's 3.
    browser
        .wait_for_text(
            "[data-testid=pipeline-widget] .pipeline-stage:first-child [data-testid=stage-count]",
            "3",
        )
        .await;
    browser
        .find("[data-testid=widget] [data-testid=chart][data-drawn='1']")
        .await;

    browser.click_text("button", "Customize").await;
    browser.click_text("button", "Add widget").await;
    browser.click_text(".gallery-item", "Bar chart").await;
    browser.fill(".modal input[name=title]", "Stage funnel").await;
    browser.click(".modal button[type=submit]").await;
    let added = "[data-testid=widget][aria-label='Stage funnel']";
    browser
        .find(&format!("{added} [data-testid=chart][data-drawn='1']"))
        .await;
    let rect = browser
        .find(added)
        .await
        .attr("data-rect")
        .await
        .expect("rect")
        .unwrap_or_default();
    let start: Vec<u64> = rect.split(',').filter_map(|n| n.parse().ok()).collect();
    assert_eq!(start[2..], [6, 4], "a chart is added 6 columns wide and 4 rows high");
    wait_for_saved(&server, &admin, "Stage funnel", (start[0], start[1], 6, 4)).await;

    // Dragged up two rows (88 px each) and left a column; then a column wider and a row
    // higher by its corner; then, by keyboard, one column right.
    let grid_width = browser
        .script("return document.querySelector('[data-testid=dashboard-grid]').getBoundingClientRect().width")
        .await
        .as_f64()
        .expect("grid width");
    let column_px = (grid_width + 16.0) / 12.0;
    let (x, y) = (start[0].saturating_sub(1), start[1].saturating_sub(2));
    drag_by(&browser, &format!("{added} .widget-head"), -column_px, -2.0 * 88.0).await;
    wait_for_saved(&server, &admin, "Stage funnel", (x, y, 6, 4)).await;
    drag_by(
        &browser,
        &format!("{added} [data-testid=widget-resize]"),
        column_px,
        88.0,
    )
    .await;
    wait_for_saved(&server, &admin, "Stage funnel", (x, y, 7, 5)).await;
    browser
        .find(added)
        .await
        .send_keys(&Key::Right.to_string())
        .await
        .expect("arrow key");
    wait_for_saved(&server, &admin, "Stage funnel", (x + 1, y, 7, 5)).await;

    // Its settings change in place: a new title and a line chart, same spot.
    browser.click(&format!("{added} [data-testid=edit-widget]")).await;
    browser.click_text(".gallery-item", "Line chart").await;
    browser.fill(".modal input[name=title]", "Won by week").await;
    browser.click("[data-testid=save-widget]").await;
    let edited = "[data-testid=widget][aria-label='Won by week']";
    browser.find(&format!("{edited}[data-kind=line]")).await;
    wait_for_saved(&server, &admin, "Won by week", (x + 1, y, 7, 5)).await;

    browser.goto("/").await;
    browser.find(&format!("{edited}[data-rect='{},{y},7,5']", x + 1)).await;

    // Another window moves a deal on the board: the dashboard follows without a reload.
    let board = Browser::open(&server, 1280, 900).await;
    board.login(&email, PASSWORD).await;
    board.goto("/deals").await;
    let card = format!("[data-deal-id='{}']", deals[0]);
    board.find(&card).await;
    drag(&board, &card, &column(2)).await;
    wait_for_stage(&server, &admin, &deals[0], &stages[1].0).await;
    browser
        .wait_for_text(
            "[data-testid=pipeline-widget] .pipeline-stage:first-child [data-testid=stage-count]",
            "2",
        )
        .await;
    browser
        .wait_for_text(
            "[data-testid=pipeline-widget] .pipeline-stage:nth-child(2) [data-testid=stage-count]",
            "1",
        )
        .await;
    board.close().await;

    // A full dashboard for the pictures: another organization with the demo's history
    // of won and lost deals.
    let demo_email = server.signup("Wayne").await;
    let demo = server.api_login(&demo_email).await;
    server.api("POST", "/demo-data", Some(&demo), json!({})).await;
    browser.sign_out().await;
    browser.login(&demo_email, PASSWORD).await;
    browser
        .find("[data-testid=widget][data-kind=area] [data-testid=chart][data-drawn='1']")
        .await;
    browser.screenshots_in_both_themes("dashboard").await;

    // The reports: conversion as a funnel with its table, win rates by source.
    browser.click("nav a[href='/reports']").await;
    browser.click_text(".tabs a", "Conversion").await;
    browser
        .find("[data-testid=report-period]")
        .await
        .select_by_value("all_time")
        .await
        .expect("period");
    browser
        .wait_for_text("[data-testid=report] .widget-table", "Qualified")
        .await;
    browser
        .find("[data-testid=report] [data-testid=chart][data-drawn='1']")
        .await;
    browser.screenshots_in_both_themes("report-conversion").await;
    browser.click("[data-testid=export-menu]").await;
    browser.click("[data-testid=export-csv]").await;
    let (name, csv) = browser.downloaded().await;
    assert!(name.starts_with("conversion-") && name.ends_with(".csv"), "{name}");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("\u{feff}Stage,Reached,Went on,To next %,Won,Won %"));
    assert!(csv.lines().any(|l| l.starts_with("Qualified,")), "{csv}");

    // A range that ends before it starts is refused, naming the date at fault.
    browser
        .goto("/reports/conversion?period=custom&from=2026-03-01&to=2026-02-01")
        .await;
    browser.wait_for_text("[data-testid=report-error]", "before").await;
    browser.goto("/reports/win-loss?period=all_time&by=source").await;
    browser
        .wait_for_text("[data-testid=report] .widget-table", "Referral")
        .await;
    browser
        .find("[data-testid=report] [data-testid=chart][data-drawn='1']")
        .await;
    browser.screenshots_in_both_themes("report-win-rates").await;
    browser.close().await;
}
